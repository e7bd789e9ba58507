import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { Construct } from 'constructs';
import { isKnown, PropError, requireIntegerIn } from '@canaryfleet/config';

/** ALB's limit of target-group (lb_cookie) stickiness. */
const MAX_COOKIE_SECONDS = 604800;

export interface FleetHealthCheck {
  /** Must answer 200 only once the model is loaded. */
  readonly path: string;
  /** Range is 5..300 seconds. @default 15 */
  readonly intervalSeconds?: number;
  /** Range is 2..120 seconds, below the interval. @default 5 */
  readonly timeoutSeconds?: number;
  /** Range is 2..10. @default 2 */
  readonly healthyThreshold?: number;
  /** Range is 2..10. @default 3 */
  readonly unhealthyThreshold?: number;
  /** @default '200' */
  readonly matcher?: string;
}

export interface FleetTargetGroupProps {
  /** Target group name, at most 32 characters. */
  readonly name: string;
  /** Terraform address kept across refactors (traffic-bearing). */
  readonly logicalId: string;
  readonly vpcId: string;
  /** Port of the inference server on the instances. */
  readonly port: number;
  readonly healthCheck: FleetHealthCheck;
  /** Ramp of a new target's share: 0 (off) or 30..900 seconds. @default 60 */
  readonly slowStartSeconds?: number;
  /** Drain time covering the longest (streamed) request: 0..3600 seconds. @default 300 */
  readonly deregistrationDelaySeconds?: number;
  /** @default 'least_outstanding_requests' */
  readonly loadBalancingAlgorithm?: 'least_outstanding_requests' | 'round_robin';
  /** Target stickiness (lb_cookie): 1..604800 seconds, or 0 for off. @default 0 */
  readonly stickinessSeconds?: number;
}

/** The target group of one fleet: HTTP to the model server, health-checked on its model-loaded path. */
export class FleetTargetGroup extends Construct {
  readonly targetGroup: LbTargetGroup;

  constructor(scope: Construct, id: string, props: FleetTargetGroupProps) {
    super(scope, id);
    const slowStart = props.slowStartSeconds ?? 60;
    if (isKnown(slowStart) && !(slowStart === 0 || (Number.isInteger(slowStart) && slowStart >= 30 && slowStart <= 900))) {
      throw new PropError(`slowStartSeconds = ${slowStart}: must be between 30 and 900 seconds, or 0 to disable slow start`);
    }
    const deregistrationDelay = props.deregistrationDelaySeconds ?? 300;
    requireIntegerIn('deregistrationDelaySeconds', deregistrationDelay, 0, 3600, ' seconds');
    const stickiness = props.stickinessSeconds ?? 0;
    requireIntegerIn('stickinessSeconds', stickiness, 0, MAX_COOKIE_SECONDS, ' (1 to 604800 seconds, or 0 to turn stickiness off)');
    const hc = props.healthCheck;
    const interval = hc.intervalSeconds ?? 15;
    const timeout = hc.timeoutSeconds ?? 5;
    requireIntegerIn('healthCheck.intervalSeconds', interval, 5, 300, ' seconds');
    requireIntegerIn('healthCheck.timeoutSeconds', timeout, 2, 120, ' seconds');
    if (isKnown(interval) && isKnown(timeout) && timeout >= interval) {
      throw new PropError(`healthCheck.timeoutSeconds = ${timeout}: must be less than healthCheck.intervalSeconds (${interval})`);
    }
    requireIntegerIn('healthCheck.healthyThreshold', hc.healthyThreshold, 2, 10);
    requireIntegerIn('healthCheck.unhealthyThreshold', hc.unhealthyThreshold, 2, 10);
    if (props.name.length > 32) {
      throw new PropError(`name = "${props.name}": must be at most 32 characters (target group name limit)`);
    }

    this.targetGroup = new LbTargetGroup(this, 'target-group', {
      name: props.name,
      vpcId: props.vpcId,
      port: props.port,
      protocol: 'HTTP',
      targetType: 'instance',
      slowStart,
      deregistrationDelay: String(deregistrationDelay),
      loadBalancingAlgorithmType: props.loadBalancingAlgorithm ?? 'least_outstanding_requests',
      healthCheck: {
        enabled: true,
        protocol: 'HTTP',
        port: 'traffic-port',
        path: hc.path,
        interval,
        timeout,
        healthyThreshold: hc.healthyThreshold ?? 2,
        unhealthyThreshold: hc.unhealthyThreshold ?? 3,
        matcher: hc.matcher ?? '200',
      },
      stickiness: stickiness === 0 ? { type: 'lb_cookie', enabled: false } : { type: 'lb_cookie', enabled: true, cookieDuration: stickiness },
      tags: { Name: props.name },
    });
    this.targetGroup.overrideLogicalId(props.logicalId);
  }
}
