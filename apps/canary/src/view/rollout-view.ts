import { rolloutStatus, type RolloutEvent, type RolloutSpec, type RolloutRecord } from '@canaryfleet/rollout';
import type { CliIo } from '../io';
import { eventJson, eventLine } from './event-line';
import { statusFrame } from './status-frame';

/** How a running rollout shows: `--json` lines, a live terminal view, or one plain line per event. */
export type ViewMode = 'json' | 'terminal' | 'lines';

export function viewMode(io: CliIo, json: boolean): ViewMode {
  if (json) return 'json';
  // A terminal of no width (a pseudo-terminal nobody sized) cannot show the view: plain lines instead.
  return io.stdout.isTTY && (io.stdout.columns ?? 0) > 0 ? 'terminal' : 'lines';
}

type LogUpdate = ((text: string) => void) & { done(): void };

/**
 * Follows a rollout as it happens. The terminal view is redrawn in place by log-update (a well-kept
 * library; no escape codes of ours), loaded only when stdout is a terminal.
 */
export class RolloutView {
  private readonly events: RolloutEvent[] = [];
  private logUpdate: LogUpdate | undefined;

  constructor(
    private readonly io: CliIo,
    private readonly mode: ViewMode,
    private readonly environment: string,
  ) {}

  async open(): Promise<void> {
    if (this.mode !== 'terminal') return;
    // log-update is an ES module; the CLI runs as CommonJS.
    const module = (await import('log-update')) as unknown as { default: LogUpdate };
    this.logUpdate = module.default;
  }

  event(event: RolloutEvent): void {
    this.events.push(event);
    if (this.mode === 'json') this.io.stdout.write(`${eventJson(this.environment, event)}\n`);
    else if (this.mode === 'lines') this.io.stdout.write(`${eventLine(this.environment, event)}\n`);
  }

  render(spec: RolloutSpec, record: RolloutRecord, now: Date): void {
    if (this.mode !== 'terminal' || !this.logUpdate) return;
    this.logUpdate(statusFrame(rolloutStatus(spec, record, now), this.events));
  }

  close(): void {
    this.logUpdate?.done();
  }
}
