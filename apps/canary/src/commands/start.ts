import { randomBytes } from 'node:crypto';
import { isoSeconds, planSchedule, type RolloutSchedule } from '@canaryfleet/rollout';
import { buildRolloutSpec, DEFAULT_LEASE_SECONDS, resolveRelease, startRollout, type Clock } from '@canaryfleet/rollout-aws';
import { canaryColour, formatShare } from '@canaryfleet/traffic-state';
import { durationOption, parse, parseLimitOptions, parseScheduleOptions } from '../arguments';
import { openEnvironment, type EnvironmentContext } from '../environment-context';
import { UsageError, type CliIo } from '../io';
import { EXIT } from '../exit-codes';
import { currentTraffic } from '../traffic-rate';
import { RolloutView, viewMode } from '../view/rollout-view';
import { follow } from './follow';

export const START_OPTIONS = {
  model: { type: 'string' },
  steps: { type: 'string' },
  bake: { type: 'string' },
  interval: { type: 'string' },
  image: { type: 'string' },
  detach: { type: 'boolean', default: false },
  'allow-underpowered': { type: 'boolean', default: false },
  limit: { type: 'string', multiple: true },
  tick: { type: 'string' },
  lease: { type: 'string' },
} as const;

/** Checks that change nothing: the environment is idle, and the model is new, has artifacts and enough traffic to judge. */
export async function preflight(ctx: EnvironmentContext, input: { model: string | undefined; image: string | undefined; schedule: RolloutSchedule; allowUnderpowered: boolean; now: Date }) {
  const { ports, environment } = ctx;
  if (!input.model) throw new UsageError('--model: required: the model version to roll out');
  const active = await ports.store.activeRollout();
  if (active) {
    throw new UsageError(`${environment.name}: rollout ${active.activeRollout} runs here, held by ${active.holder} since ${active.acquiredAt}; one rollout at a time (\`canary status ${environment.name}\`, \`canary abort ${environment.name}\`)`);
  }
  const observed = await ports.trafficState.read();
  if (observed.kind !== 'ok') throw new UsageError(`${environment.name}: the traffic state cannot be read (${observed.kind === 'invalid' ? observed.problems.join('; ') : 'no parameter'}); fix it before a rollout`);
  const state = observed.state;
  if (state.phase !== 'idle') throw new UsageError(`${environment.name}: the traffic state is in phase "${state.phase}" (rollout ${state.rolloutId}); a rollout starts only from an idle environment`);
  const stable = state.releases[state.stable];
  if (stable && stable.modelVersion === input.model && (input.image === undefined || input.image === stable.serverImage)) {
    throw new UsageError(`--model = ${JSON.stringify(input.model)}: the stable fleet (${state.stable}) runs this model version already; roll out a different one (or a different --image)`);
  }
  const release = await resolveRelease(ctx.clients, environment, { modelVersion: input.model, serverImage: input.image });
  const traffic = await currentTraffic(ports, input.now);
  const plan = planSchedule(input.schedule, traffic);
  if (plan.underpowered && !input.allowUnderpowered) {
    throw new UsageError(
      `${environment.name}: at ${traffic.requestsPerSecond.toFixed(2)} requests/s the last step (${formatShare(input.schedule.steps[input.schedule.steps.length - 1].canaryPerMille)}) cannot show a 2x error regression within an hour: raise the shares or bake, wait for traffic, or pass --allow-underpowered`,
    );
  }
  return { state, release, canary: canaryColour(state), plan, traffic };
}

export function newRolloutId(now: Date): string {
  return `r-${isoSeconds(now).replace(/[-:]/g, '').replace('T', '-').replace('Z', '')}-${randomBytes(2).toString('hex')}`;
}

export async function startCommand(io: CliIo, args: readonly string[], clock: Clock): Promise<number> {
  const { positionals, values } = parse('start', args, START_OPTIONS);
  const schedule = parseScheduleOptions(values);
  const limits = parseLimitOptions(values.limit);
  const tickSeconds = durationOption('--tick', values.tick, 10, { min: 1, max: 60 });
  const leaseSeconds = durationOption('--lease', values.lease, DEFAULT_LEASE_SECONDS, { min: 10, max: 3600 });
  const ctx = await openEnvironment(io, positionals[0], values, clock.now());
  try {
    const now = clock.now();
    const checked = await preflight(ctx, { model: values.model, image: values.image, schedule, allowUnderpowered: values['allow-underpowered'], now });
    const spec = buildRolloutSpec(ctx.environment, { rolloutId: newRolloutId(now), release: checked.release, canary: checked.canary, schedule, startedBy: ctx.actor, startedAt: isoSeconds(now), limits });
    const view = new RolloutView(io, viewMode(io, values.json), ctx.environment.name);
    await view.open();
    const controller = await startRollout(ctx.ports, spec, ctx.actor, clock, { leaseSeconds, tickSeconds, onEvent: (e) => view.event(e), onTick: (s) => view.render(s.spec, s.record, clock.now()) });
    if (values.detach) {
      await controller.tick();
      view.close();
      io.stderr.write(`${ctx.environment.name}: rollout ${spec.rolloutId} started and detached; the watchdog workflow (or \`canary resume ${ctx.environment.name}\`) continues it once this lease ends (${leaseSeconds}s)\n`);
      return EXIT.ok;
    }
    return await follow(controller, view);
  } finally {
    ctx.close();
  }
}
