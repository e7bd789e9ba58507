import { rolloutStatus } from '@canaryfleet/rollout';
import type { Clock, OperatorPorts, StoredRollout } from '@canaryfleet/rollout-aws';
import { parse } from '../arguments';
import { openEnvironment } from '../environment-context';
import { EXIT } from '../exit-codes';
import { UsageError, type CliIo } from '../io';
import { statusFrame } from '../view/status-frame';
import { RolloutView, viewMode } from '../view/rollout-view';

/** The rollout a command is about: `--rollout ID`, else the active one, else the latest. */
export async function selectRollout(ports: OperatorPorts, environment: string, rolloutId: string | undefined): Promise<StoredRollout> {
  const id = rolloutId ?? (await ports.store.activeRollout())?.activeRollout ?? (await ports.store.history()).at(-1)?.rolloutId;
  if (!id) throw new UsageError(`${environment}: no rollout has run here yet`);
  const stored = await ports.store.load(id);
  if (!stored) throw new UsageError(`--rollout = ${JSON.stringify(id)}: no such rollout in ${environment} (\`canary history ${environment}\` lists them)`);
  return stored;
}

/** `canary status [--watch] [--json]`: where a rollout is; `--watch` follows it from the journal until it ends. */
export async function statusCommand(io: CliIo, args: readonly string[], clock: Clock): Promise<number> {
  const { positionals, values } = parse('status', args, { watch: { type: 'boolean', default: false }, rollout: { type: 'string' } });
  const ctx = await openEnvironment(io, positionals[0], values, clock.now());
  try {
    let stored = await selectRollout(ctx.ports, ctx.environment.name, values.rollout);
    const lease = await ctx.ports.store.readLease();
    if (!values.watch) {
      const status = rolloutStatus(stored.spec, stored.record, clock.now());
      if (values.json) {
        io.stdout.write(`${JSON.stringify({ type: 'status', ...status, lease: lease?.activeRollout === stored.spec.rolloutId ? lease : null })}\n`);
      } else {
        const events = await ctx.ports.store.events(stored.spec.rolloutId);
        const holder = lease?.activeRollout === stored.spec.rolloutId ? `\n  lease: ${lease.holder} until ${lease.leaseUntil}${lease.leaseUntil && Date.parse(lease.leaseUntil) < clock.now().getTime() ? ' (EXPIRED: no process runs it; `canary resume` or the watchdog continues it)' : ''}` : '';
        io.stdout.write(`${statusFrame(status, events)}${holder}\n`);
      }
      return EXIT.ok;
    }
    const view = new RolloutView(io, viewMode(io, values.json), ctx.environment.name);
    await view.open();
    let seen = 0;
    try {
      for (;;) {
        const events = await ctx.ports.store.events(stored.spec.rolloutId);
        for (const event of events.slice(seen)) view.event(event);
        seen = events.length;
        view.render(stored.spec, stored.record, clock.now());
        if (stored.record.stage === 'done') break;
        await clock.sleep(2000);
        stored = (await ctx.ports.store.load(stored.spec.rolloutId)) ?? stored;
      }
    } finally {
      view.close();
    }
    return stored.record.outcome?.kind === 'rolled-back' ? EXIT.rolledBack : EXIT.ok;
  } finally {
    ctx.close();
  }
}
