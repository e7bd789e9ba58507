import type { LbListenerDefaultAction } from '@cdktf/provider-aws/lib/lb-listener';
import { isKnown, requireIntegerIn, RoutingPropError } from './validation';

/** ALB limits of a forward action (ELBv2 quotas). */
export const MAX_TARGET_GROUPS_PER_ACTION = 5;
export const MAX_ALB_WEIGHT = 999;
export const MAX_STICKINESS_SECONDS = 604800;

export interface WeightedTarget {
  readonly targetGroupArn: string;
  /** Share of requests in percent (0..100); the ALB weight equals the percent (docs/traffic-state.md). */
  readonly weightPercent: number;
}

export interface WeightedForwardOptions {
  /**
   * Group stickiness: a client stays on the target group it first reached, so one chat session sees one
   * model version during a rollout. Range is 1..604800 seconds; 0 turns it off. @default 0
   */
  readonly stickinessSeconds?: number;
}

/**
 * The listener's weighted forward action, built by a factory that refuses nonsense early (aws-cdk's
 * `ListenerAction.weightedForward`). Weights given as tokens (read from the traffic state) are checked
 * by AWS at apply time; known numbers are checked here.
 */
export class WeightedForwardAction {
  static weightedForward(targets: readonly WeightedTarget[], options: WeightedForwardOptions = {}): LbListenerDefaultAction {
    if (targets.length === 0 || targets.length > MAX_TARGET_GROUPS_PER_ACTION) {
      throw new RoutingPropError(`targets: ${targets.length} given: a weighted forward needs 1 to ${MAX_TARGET_GROUPS_PER_ACTION} target groups`);
    }
    targets.forEach((target, i) => requireIntegerIn(`targets[${i}].weightPercent`, target.weightPercent, 0, 100, ' percent'));
    const weights = targets.map((target) => target.weightPercent);
    if (weights.every(isKnown)) {
      const sum = weights.reduce((a, b) => a + b, 0);
      if (sum !== 100) throw new RoutingPropError(`targets: weights ${weights.join(' + ')} = ${sum}: must sum to 100 percent`);
    }
    const stickiness = options.stickinessSeconds ?? 0;
    requireIntegerIn('stickinessSeconds', stickiness, 0, MAX_STICKINESS_SECONDS, ' (1 to 604800 seconds, or 0 to turn stickiness off)');
    return {
      type: 'forward',
      forward: {
        targetGroup: targets.map((target) => ({ arn: target.targetGroupArn, weight: percentToAlbWeight(target.weightPercent) })),
        // The provider requires a duration even when disabled; 1 s is its smallest valid value.
        stickiness: stickiness === 0 ? { enabled: false, duration: 1 } : { enabled: true, duration: stickiness },
      },
    };
  }
}

/** Percent p maps to ALB weight p: shares stay exact (weight / sum of weights = p / 100). */
export function percentToAlbWeight(percent: number): number {
  return percent;
}
