import { formatDuration } from '@canaryfleet/rollout';
import type { Clock } from '@canaryfleet/rollout-aws';
import { formatShare } from '@canaryfleet/traffic-state';
import { parse, parseScheduleOptions } from '../arguments';
import { openEnvironment } from '../environment-context';
import { EXIT } from '../exit-codes';
import type { CliIo } from '../io';
import { preflight, START_OPTIONS } from './start';

const time = (seconds: number | null) => (seconds === null ? 'not within an hour' : formatDuration(Math.ceil(seconds / 60) * 60));

/** `canary plan`: the preflight of `start`, changing nothing, and the expected time per step and in total. */
export async function planCommand(io: CliIo, args: readonly string[], clock: Clock): Promise<number> {
  const { positionals, values } = parse('plan', args, START_OPTIONS);
  const schedule = parseScheduleOptions(values);
  const ctx = await openEnvironment(io, positionals[0], values, clock.now());
  try {
    const checked = await preflight(ctx, { model: values.model, image: values.image, schedule, allowUnderpowered: values['allow-underpowered'], now: clock.now() });
    if (values.json) {
      io.stdout.write(`${JSON.stringify({ type: 'plan', environment: ctx.environment.name, canary: checked.canary, release: checked.release, traffic: checked.traffic, plan: checked.plan })}\n`);
      return EXIT.ok;
    }
    const lines = [
      `${ctx.environment.name}: ${checked.release.modelVersion} (${checked.release.serverImage}, ${checked.release.amiId}) onto ${checked.canary}; stable ${checked.state.stable} runs ${checked.state.releases[checked.state.stable]?.modelVersion}`,
      `traffic: ${checked.traffic.requestsPerSecond.toFixed(2)} requests/s, baseline error rate ${(checked.traffic.baselineErrorRate * 100).toFixed(2)} % (last 15 minutes)`,
      ...checked.plan.steps.map((step, i) => `  step ${i + 1}: ${formatShare(step.canaryPerMille).padEnd(7)} bake >= ${formatDuration(step.minBakeSeconds)}, a 2x regression shows in ${time(step.secondsToDetectRegression)}, expected ${time(step.expectedSeconds)}`),
      `expected in total: ${time(checked.plan.expectedTotalSeconds)}${checked.plan.underpowered ? ' (UNDERPOWERED: allowed by --allow-underpowered)' : ''}`,
    ];
    io.stdout.write(`${lines.join('\n')}\n`);
    return EXIT.ok;
  } finally {
    ctx.close();
  }
}
