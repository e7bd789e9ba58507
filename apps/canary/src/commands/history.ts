import { parse } from '../arguments';
import { openEnvironment } from '../environment-context';
import { EXIT } from '../exit-codes';
import type { CliIo } from '../io';

/** `canary history`: every rollout of the environment, oldest first, with how it ended and why. */
export async function historyCommand(io: CliIo, args: readonly string[]): Promise<number> {
  const { positionals, values } = parse('history', args, {});
  const ctx = await openEnvironment(io, positionals[0], values);
  try {
    const rollouts = await ctx.ports.store.history();
    for (const r of rollouts) {
      if (values.json) io.stdout.write(`${JSON.stringify({ type: 'rollout', environment: ctx.environment.name, ...r })}\n`);
      else io.stdout.write(`${r.startedAt} ${r.rolloutId} ${r.modelVersion} by ${r.startedBy}: ${r.outcome ? `${r.outcome.kind} (${r.outcome.cause}, by ${r.outcome.by})` : r.stage}\n`);
    }
    if (rollouts.length === 0 && !values.json) io.stdout.write(`${ctx.environment.name}: no rollouts yet\n`);
    return EXIT.ok;
  } finally {
    ctx.close();
  }
}
