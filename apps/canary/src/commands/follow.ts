import type { RolloutController } from '@canaryfleet/rollout-aws';
import type { RolloutView } from '../view/rollout-view';
import { EXIT } from '../exit-codes';

/** Runs a rollout to its end in the foreground; the exit code says how it ended. */
export async function follow(controller: RolloutController, view: RolloutView): Promise<number> {
  try {
    const stored = await controller.run();
    return stored.record.outcome?.kind === 'promoted' ? EXIT.ok : EXIT.rolledBack;
  } finally {
    view.close();
  }
}
