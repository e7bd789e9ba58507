import { SYSTEM_CLOCK, type Clock } from '@canaryfleet/rollout-aws';
import { abortCommand, resumeCommand } from './commands/takeover';
import { historyCommand } from './commands/history';
import { planCommand } from './commands/plan';
import { reportCommand } from './commands/report';
import { requestCommand } from './commands/requests';
import { startCommand } from './commands/start';
import { statusCommand } from './commands/status';
import { EXIT } from './exit-codes';
import { UsageError, type CliIo } from './io';

export const USAGE = `canary: canary rollouts of a model version, judged and promoted or rolled back by themselves

  canary plan    <env> --model V [--steps 0.1,1,5,25,50] [--bake 2m] [--interval 60s] [--image REF]
  canary start   <env> --model V [--steps ...] [--bake ...] [--interval ...] [--image REF]
                       [--detach] [--allow-underpowered]
  canary status  <env> [--watch] [--json] [--rollout ID]
  canary pause   <env> --reason TEXT
  canary resume  <env> [--reason TEXT]
  canary promote <env> --reason TEXT [--skip-analysis]
  canary abort   <env> --reason TEXT
  canary history <env> [--json]
  canary report  <env> [--rollout ID] --out report.html

Every command: --outputs FILE (default dist/outputs/<env>.json), --by NAME (who acts; default
GITHUB_ACTOR or user@host), --json (one JSON object per line). For tests and the local environment:
--limit NAME=VALUE (RolloutLimits), --tick DURATION, --lease DURATION. Exit codes: 0 done, 1 error,
2 bad input (nothing changed), 4 rolled back. docs/rollout.md has the details.
`;

/** The CLI, drivable from code (tests, phase-2 scenarios, benchmarks) with any output and clock. */
export async function runCli(argv: readonly string[], io: CliIo, clock: Clock = SYSTEM_CLOCK): Promise<number> {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case 'plan':
        return await planCommand(io, args, clock);
      case 'start':
        return await startCommand(io, args, clock);
      case 'status':
        return await statusCommand(io, args, clock);
      case 'pause':
      case 'promote':
        return await requestCommand(io, command, args);
      case 'resume':
        return await resumeCommand(io, args, clock);
      case 'abort':
        return await abortCommand(io, args, clock);
      case 'history':
        return await historyCommand(io, args);
      case 'report':
        return await reportCommand(io, args);
      case undefined:
      case 'help':
      case '--help':
        io.stdout.write(USAGE);
        return command === undefined ? EXIT.usage : EXIT.ok;
      default:
        throw new UsageError(`command = ${JSON.stringify(command)}: must be one of plan, start, status, pause, resume, promote, abort, history, report`);
    }
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n`);
    if (error instanceof UsageError || ['ScheduleError', 'ReleaseError', 'OutputsError', 'LeaseHeldError', 'NoActiveRolloutError', 'RolloutSpecError'].includes((error as Error).name)) return EXIT.usage;
    return EXIT.error;
  }
}
