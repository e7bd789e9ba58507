import { FLEET_COLOURS, type FleetColour } from '@canaryfleet/traffic-state';
import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';

export interface FleetDashboardProps {
  readonly environment: string;
  readonly region: string;
  readonly loadBalancerArnSuffix: string;
  readonly targetGroupArnSuffixes: Record<FleetColour, string>;
  /** Annotations drawn on the latency and error widgets. */
  readonly p99LatencySeconds: number;
  readonly target5xxPercent: number;
}

const ROWS: readonly { title: string; metrics: (lb: string, tg: string) => unknown[][]; annotation?: (p: FleetDashboardProps) => { label: string; value: number } }[] = [
  { title: 'Requests', metrics: (lb, tg) => [['AWS/ApplicationELB', 'RequestCount', 'TargetGroup', tg, 'LoadBalancer', lb, { stat: 'Sum' }]] },
  {
    title: 'Target 5xx %',
    metrics: (lb, tg) => [
      [{ expression: 'IF(m1 > 0, 100 * FILL(m2, 0) / m1, 0)', label: '5xx %', id: 'e1' }],
      ['AWS/ApplicationELB', 'RequestCount', 'TargetGroup', tg, 'LoadBalancer', lb, { stat: 'Sum', id: 'm1', visible: false }],
      ['AWS/ApplicationELB', 'HTTPCode_Target_5XX_Count', 'TargetGroup', tg, 'LoadBalancer', lb, { stat: 'Sum', id: 'm2', visible: false }],
    ],
    annotation: (p) => ({ label: 'alarm', value: p.target5xxPercent }),
  },
  {
    title: 'Target response time p50 / p99 (s)',
    metrics: (lb, tg) => [
      ['AWS/ApplicationELB', 'TargetResponseTime', 'TargetGroup', tg, 'LoadBalancer', lb, { stat: 'p50' }],
      ['AWS/ApplicationELB', 'TargetResponseTime', 'TargetGroup', tg, 'LoadBalancer', lb, { stat: 'p99' }],
    ],
    annotation: (p) => ({ label: 'p99 alarm', value: p.p99LatencySeconds }),
  },
  {
    title: 'Healthy / unhealthy hosts',
    metrics: (lb, tg) => [
      ['AWS/ApplicationELB', 'HealthyHostCount', 'TargetGroup', tg, 'LoadBalancer', lb, { stat: 'Minimum' }],
      ['AWS/ApplicationELB', 'UnHealthyHostCount', 'TargetGroup', tg, 'LoadBalancer', lb, { stat: 'Maximum' }],
    ],
  },
];

/** One dashboard per environment: a column per fleet, the same metric on the same row, side by side. */
export class FleetDashboard extends Construct {
  readonly dashboard: CloudwatchDashboard;

  constructor(scope: Construct, id: string, props: FleetDashboardProps) {
    super(scope, id);
    const widgets = ROWS.flatMap((row, rowIndex) =>
      FLEET_COLOURS.map((colour, column) => ({
        type: 'metric',
        x: column * 12,
        y: rowIndex * 6,
        width: 12,
        height: 6,
        properties: {
          title: `${colour}: ${row.title}`,
          region: props.region,
          view: 'timeSeries',
          period: 60,
          metrics: row.metrics(props.loadBalancerArnSuffix, props.targetGroupArnSuffixes[colour]),
          ...(row.annotation ? { annotations: { horizontal: [row.annotation(props)] } } : {}),
        },
      })),
    );
    this.dashboard = new CloudwatchDashboard(this, 'dashboard', {
      dashboardName: `canaryfleet-${props.environment}`,
      // jsonencode: the ARN suffixes are only known after apply.
      dashboardBody: Fn.jsonencode({ widgets }),
    });
  }
}
