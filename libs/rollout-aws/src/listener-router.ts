import { DescribeListenersCommand, DescribeRulesCommand, ModifyListenerCommand, ModifyRuleCommand, type Action, type ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ElbAction, ListenerActions, ObservedListener } from '@canaryfleet/traffic-state';

export interface ListenerTargets {
  readonly listenerArn: string;
  /** The header-override rules; null when the environment has none (then they are neither written nor compared). */
  readonly headerRuleArns: { readonly canary: string; readonly stable: string } | null;
}

function toSdk(actions: readonly ElbAction[]): Action[] {
  return actions.map((action) => JSON.parse(JSON.stringify(action)) as Action);
}

/**
 * The traffic router (Argo Rollouts' verbs: set weight, set header route, verify): the listener's
 * default action and the header rules' actions. Every write is read back, and the read-back is what
 * the caller compares with the rendered actions (listenerDifferences).
 */
export class ListenerRouter {
  constructor(
    private readonly elbv2: ElasticLoadBalancingV2Client,
    private readonly targets: ListenerTargets,
  ) {}

  async read(): Promise<ObservedListener> {
    const { Listeners } = await this.elbv2.send(new DescribeListenersCommand({ ListenerArns: [this.targets.listenerArn] }));
    const defaultActions = Listeners?.[0]?.DefaultActions ?? [];
    if (!this.targets.headerRuleArns) return { defaultActions };
    const { canary, stable } = this.targets.headerRuleArns;
    const { Rules } = await this.elbv2.send(new DescribeRulesCommand({ RuleArns: [canary, stable] }));
    const actionsOf = (arn: string) => Rules?.find((rule) => rule.RuleArn === arn)?.Actions ?? [];
    return { defaultActions, canaryHeaderActions: actionsOf(canary), stableHeaderActions: actionsOf(stable) };
  }

  /** Writes the default action, then the header rules; returns the listener as read back afterwards. */
  async write(actions: ListenerActions): Promise<ObservedListener> {
    await this.elbv2.send(new ModifyListenerCommand({ ListenerArn: this.targets.listenerArn, DefaultActions: toSdk(actions.defaultActions) }));
    if (this.targets.headerRuleArns) {
      await this.elbv2.send(new ModifyRuleCommand({ RuleArn: this.targets.headerRuleArns.canary, Actions: toSdk(actions.canaryHeaderActions) }));
      await this.elbv2.send(new ModifyRuleCommand({ RuleArn: this.targets.headerRuleArns.stable, Actions: toSdk(actions.stableHeaderActions) }));
    }
    return this.read();
  }
}
