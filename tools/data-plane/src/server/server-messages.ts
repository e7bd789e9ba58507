import type { FleetPeriodCounts, Route } from '@canaryfleet/fleet-metrics';
import type { FleetColour } from '@canaryfleet/traffic-state';

/** How the fleet supervisor starts one inference-server stand-in (one per instance). */
export interface ServerConfig {
  readonly environment: string;
  readonly colour: FleetColour;
  readonly instanceId: string;
  /** The moto endpoint: the instance's AWS. */
  readonly endpoint: string;
  readonly trafficStateParameter: string;
  /** The target groups' health-check path. */
  readonly healthPath: string;
  /** Simulated time to load the model before health checks pass. */
  readonly modelLoadSeconds: number;
  readonly slowRequestSeconds: number;
  readonly metrics: { readonly namespace: string; readonly periodSeconds: number };
}

/** Messages a server process sends its supervisor (Node IPC). */
export type ServerMessage =
  | { readonly type: 'listening'; readonly ports: Readonly<Record<Route, number>>; readonly modelVersion: string }
  | { readonly type: 'loaded' }
  | { readonly type: 'published'; readonly periodStart: number; readonly route: Route; readonly counts: FleetPeriodCounts };

/** Messages a supervisor sends a server process. */
export type SupervisorMessage = { readonly type: 'stop' };

export const SERVER_CONFIG_VARIABLE = 'CANARYFLEET_SERVER_CONFIG';
