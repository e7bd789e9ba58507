import type { CommandKind } from '@canaryfleet/rollout';
import { NoActiveRolloutError } from '@canaryfleet/rollout-aws';
import { parse, requiredReason } from '../arguments';
import { openEnvironment } from '../environment-context';
import { EXIT } from '../exit-codes';
import type { CliIo } from '../io';

/**
 * `canary pause|promote`: a person's request, journaled with who and why; the process that holds the
 * lease applies it on its next step (resume and abort run a controller themselves).
 */
export async function requestCommand(io: CliIo, kind: Extract<CommandKind, 'pause' | 'promote' | 'resume'>, args: readonly string[]): Promise<number> {
  const { positionals, values } = parse(kind, args, { reason: { type: 'string' }, 'skip-analysis': { type: 'boolean', default: false } });
  const reason = requiredReason(kind, values.reason);
  const ctx = await openEnvironment(io, positionals[0], values);
  try {
    const active = await ctx.ports.store.activeRollout();
    if (!active?.activeRollout) throw new NoActiveRolloutError(ctx.environment.name, kind);
    const command = await ctx.ports.store.appendCommand(active.activeRollout, { kind, by: ctx.actor, reason, ...(values['skip-analysis'] ? { skipAnalysis: true } : {}) });
    const text = `${ctx.environment.name}: ${kind}${command.skipAnalysis ? ' --skip-analysis' : ''} of rollout ${active.activeRollout} recorded (command ${command.seq}, by ${command.by}: ${reason}); ${active.holder} applies it on its next step`;
    io.stdout.write(values.json ? `${JSON.stringify({ type: 'command', environment: ctx.environment.name, rolloutId: active.activeRollout, ...command })}\n` : `${text}\n`);
    return EXIT.ok;
  } finally {
    ctx.close();
  }
}
