import { runLoad, type LoadSummary } from '@canaryfleet/data-plane';
import type { RoutingPolicy } from '@canaryfleet/traffic-state';

export interface BackgroundLoad {
  /** Ends the load and resolves with its summary. */
  stop(): Promise<LoadSummary>;
}

/**
 * Client load that runs until stopped (at most `guardSeconds`): clients keep their cookies, so group
 * stickiness holds them, and a share of them sends the header override, as in production.
 */
export function startBackgroundLoad(url: string, policy: RoutingPolicy, options: { clients: number; requestsPerSecond: number; guardSeconds?: number }): BackgroundLoad {
  const controller = new AbortController();
  const run = runLoad({
    url,
    clients: options.clients,
    requestsPerSecond: options.requestsPerSecond,
    durationSeconds: options.guardSeconds ?? 1800,
    headerShare: 0.05,
    header: { name: policy.header.name, values: [policy.header.canaryValue, 'never'] },
    signal: controller.signal,
  });
  return {
    stop() {
      controller.abort();
      return run;
    },
  };
}
