import type { LbListenerDefaultAction } from '@cdktf/provider-aws/lib/lb-listener';
import type { ElbAction } from '@canaryfleet/traffic-state';

/**
 * An action of libs/traffic-state (ELBv2 API shape) as the provider's block, for the first render:
 * the same function the controller sends through the API decides what Terraform creates.
 */
export function terraformAction(action: ElbAction): LbListenerDefaultAction {
  if (action.Type === 'fixed-response') {
    const config = action.FixedResponseConfig;
    return { type: 'fixed-response', fixedResponse: { statusCode: config.StatusCode, contentType: config.ContentType, messageBody: config.MessageBody } };
  }
  if (action.ForwardConfig === undefined) return { type: 'forward', targetGroupArn: action.TargetGroupArn };
  const { TargetGroups, TargetGroupStickinessConfig: stickiness } = action.ForwardConfig;
  return {
    type: 'forward',
    forward: {
      targetGroup: TargetGroups.map((group) => ({ arn: group.TargetGroupArn, weight: group.Weight })),
      stickiness: { enabled: stickiness.Enabled, duration: stickiness.DurationSeconds ?? 1 },
    },
  };
}
