import { Agent, request } from 'undici';
import type { HealthCheckSettings, ListenerConfig, RegisteredTarget } from './listener-config';

export type TargetState = 'initial' | 'healthy' | 'unhealthy';

/** The loopback port a target's server listens on for a target-group port; undefined when nothing runs there. */
export type ResolveTarget = (target: RegisteredTarget) => number | undefined;

interface Check {
  settings: HealthCheckSettings;
  state: TargetState;
  successes: number;
  failures: number;
  timer?: NodeJS.Timeout;
}

/** Whether an HTTP status matches an ALB matcher ("200", "200-299", "200,204"). */
export function matcherAccepts(matcher: string, status: number): boolean {
  return matcher.split(',').some((part) => {
    const [low, high = low] = part.split('-').map(Number);
    return status >= low && status <= high;
  });
}

function key(groupArn: string, target: RegisteredTarget): string {
  return `${groupArn}|${target.id}|${target.port}`;
}

/**
 * The stand-in's own health view, as ALB keeps it: every registered target of every group is checked
 * with its group's settings. A new target is `initial` until it passes one check; a healthy one turns
 * unhealthy after `unhealthyThreshold` consecutive failures, and back after `healthyThreshold` successes.
 */
export class TargetHealth {
  private readonly checks = new Map<string, Check>();
  private readonly agent = new Agent({ pipelining: 0 });
  private stopped = false;

  constructor(
    private readonly resolve: ResolveTarget,
    private readonly onChange: (groupArn: string, target: RegisteredTarget, state: TargetState) => void = () => undefined,
  ) {}

  /** Starts checking new targets, stops checking deregistered ones, follows changed settings. */
  sync(config: ListenerConfig): void {
    const current = new Set<string>();
    for (const group of config.targetGroups.values()) {
      for (const target of group.targets) {
        const id = key(group.arn, target);
        current.add(id);
        const existing = this.checks.get(id);
        if (existing) {
          existing.settings = group.healthCheck;
          continue;
        }
        const check: Check = { settings: group.healthCheck, state: 'initial', successes: 0, failures: 0 };
        this.checks.set(id, check);
        void this.run(group.arn, target, check);
      }
    }
    for (const [id, check] of this.checks) {
      if (current.has(id)) continue;
      clearTimeout(check.timer);
      this.checks.delete(id);
    }
  }

  state(groupArn: string, target: RegisteredTarget): TargetState {
    return this.checks.get(key(groupArn, target))?.state ?? 'initial';
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const check of this.checks.values()) clearTimeout(check.timer);
    this.checks.clear();
    await this.agent.close();
  }

  private async probe(target: RegisteredTarget, settings: HealthCheckSettings): Promise<boolean> {
    const port = this.resolve(settings.port === 'traffic-port' ? target : { id: target.id, port: Number(settings.port) });
    if (port === undefined) return false;
    try {
      const response = await request(`http://127.0.0.1:${port}${settings.path}`, {
        dispatcher: this.agent,
        reset: true,
        headersTimeout: settings.timeoutSeconds * 1000,
        bodyTimeout: settings.timeoutSeconds * 1000,
        headers: { 'user-agent': 'ELB-HealthChecker/2.0' },
      });
      await response.body.dump();
      return matcherAccepts(settings.matcher, response.statusCode);
    } catch {
      return false;
    }
  }

  private async run(groupArn: string, target: RegisteredTarget, check: Check): Promise<void> {
    const ok = await this.probe(target, check.settings);
    if (this.stopped || this.checks.get(key(groupArn, target)) !== check) return;
    const before = check.state;
    check.successes = ok ? check.successes + 1 : 0;
    check.failures = ok ? 0 : check.failures + 1;
    if (check.state === 'initial' && ok) check.state = 'healthy';
    else if (check.state !== 'unhealthy' && check.failures >= check.settings.unhealthyThreshold) check.state = 'unhealthy';
    else if (check.state === 'unhealthy' && check.successes >= check.settings.healthyThreshold) check.state = 'healthy';
    if (check.state !== before) this.onChange(groupArn, target, check.state);
    check.timer = setTimeout(() => void this.run(groupArn, target, check), check.settings.intervalSeconds * 1000);
  }
}
