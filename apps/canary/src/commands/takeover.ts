import { abortRollout, DEFAULT_LEASE_SECONDS, resumeRollout, type Clock } from '@canaryfleet/rollout-aws';
import { durationOption, parse, requiredReason } from '../arguments';
import { openEnvironment } from '../environment-context';
import { EXIT } from '../exit-codes';
import type { CliIo } from '../io';
import { RolloutView, viewMode } from '../view/rollout-view';
import { follow } from './follow';
import { requestCommand } from './requests';

const TAKEOVER_OPTIONS = { reason: { type: 'string' }, tick: { type: 'string' }, lease: { type: 'string' }, 'if-stalled': { type: 'boolean', default: false } } as const;

/**
 * `canary resume`: a rollout whose process died (lease run out) continues here from its journal, the
 * judge's evidence replayed; one that is alive but paused gets a resume request instead.
 * `--if-stalled` (the watchdog): only the first, and nothing to do is success.
 */
export async function resumeCommand(io: CliIo, args: readonly string[], clock: Clock): Promise<number> {
  const { positionals, values } = parse('resume', args, TAKEOVER_OPTIONS);
  const ctx = await openEnvironment(io, positionals[0], values, clock.now());
  try {
    const lease = await ctx.ports.store.activeRollout();
    const alive = lease?.leaseUntil !== null && lease?.leaseUntil !== undefined && Date.parse(lease.leaseUntil) > clock.now().getTime();
    if (values['if-stalled'] && (!lease || alive)) {
      io.stderr.write(`${ctx.environment.name}: ${lease ? `rollout ${lease.activeRollout} is alive (held by ${lease.holder} until ${lease.leaseUntil})` : 'no rollout is running'}; nothing to resume\n`);
      return EXIT.ok;
    }
    if (alive) return await requestCommand(io, 'resume', args.filter((arg) => arg !== '--if-stalled'));
    const view = new RolloutView(io, viewMode(io, values.json), ctx.environment.name);
    await view.open();
    const controller = await resumeRollout(ctx.ports, ctx.actor, clock, options(values, view, clock));
    return await follow(controller, view);
  } finally {
    ctx.close();
  }
}

/** `canary abort`: break glass. Takes the lease from whoever holds it (higher fencing token) and rolls back, verified by read-back. */
export async function abortCommand(io: CliIo, args: readonly string[], clock: Clock): Promise<number> {
  const { positionals, values } = parse('abort', args, TAKEOVER_OPTIONS);
  const reason = requiredReason('abort', values.reason);
  const ctx = await openEnvironment(io, positionals[0], values, clock.now());
  try {
    const view = new RolloutView(io, viewMode(io, values.json), ctx.environment.name);
    await view.open();
    const controller = await abortRollout(ctx.ports, ctx.actor, reason, clock, options(values, view, clock));
    await follow(controller, view);
    return EXIT.ok;
  } finally {
    ctx.close();
  }
}

function options(values: { tick?: string; lease?: string }, view: RolloutView, clock: Clock) {
  return {
    tickSeconds: durationOption('--tick', values.tick, 10, { min: 1, max: 60 }),
    leaseSeconds: durationOption('--lease', values.lease, DEFAULT_LEASE_SECONDS, { min: 10, max: 3600 }),
    onEvent: view.event.bind(view),
    onTick: (s: { spec: Parameters<RolloutView['render']>[0]; record: Parameters<RolloutView['render']>[1] }) => view.render(s.spec, s.record, clock.now()),
  };
}
