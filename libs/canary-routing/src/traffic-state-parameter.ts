import { initialTrafficState, trafficStateParameterName, type FleetColour } from '@canaryfleet/config';
import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';
import { Fn, Op, TerraformLocal, Token, type IResolvable } from 'cdktf';
import { Construct } from 'constructs';
import { RoutingPropError, requireIntegerIn } from './validation';

export interface TrafficStateParameterProps {
  /** Environment name; the parameter is `/canaryfleet/<environment>/traffic-state`. */
  readonly environment: string;
  /** Model version the stable (blue) fleet serves on creation. */
  readonly initialModelVersion: string;
  /** Initial weights in percent: integers 0..100 that sum to 100. @default { stable: 100, canary: 0 } */
  readonly initialWeights?: { readonly stable: number; readonly canary: number };
}

/**
 * The traffic state of an environment (DESIGN.md #3): one SSM String parameter holding the JSON
 * document of libs/config/src/traffic-state.ts. Terraform writes the first revision and ignores every
 * later one; the expressions below read the *current* value back, because with `ignore_changes` the
 * refreshed `insecure_value` in state is what AWS holds now (proved against moto, docs/traffic-state.md).
 */
export class TrafficStateParameter extends Construct {
  readonly parameter: SsmParameter;
  readonly parameterName: string;
  /** `local.traffic_state`: the decoded current document, readable in plans. */
  readonly current: TerraformLocal;

  constructor(scope: Construct, id: string, props: TrafficStateParameterProps) {
    super(scope, id);
    const weights = props.initialWeights ?? { stable: 100, canary: 0 };
    requireIntegerIn('initialWeights.stable', weights.stable, 0, 100, ' percent');
    requireIntegerIn('initialWeights.canary', weights.canary, 0, 100, ' percent');
    if (weights.stable + weights.canary !== 100) {
      throw new RoutingPropError(`initialWeights = { stable: ${weights.stable}, canary: ${weights.canary} }: must sum to 100 percent (sum is ${weights.stable + weights.canary})`);
    }
    if (props.initialModelVersion.length === 0) {
      throw new RoutingPropError('initialModelVersion = "": must be a non-empty model version');
    }
    this.parameterName = trafficStateParameterName(props.environment);
    this.parameter = new SsmParameter(this, 'parameter', {
      name: this.parameterName,
      description: `Traffic state of canaryfleet ${props.environment}: stable fleet, weights (percent), model version per fleet. Owned by the rollout controller after creation.`,
      type: 'String',
      // insecure_value, not value: the provider marks `value` sensitive and plans would hide the weights.
      insecureValue: JSON.stringify(initialTrafficState(props.initialModelVersion, weights), null, 2),
      lifecycle: { ignoreChanges: ['insecure_value'] },
    });
    this.parameter.overrideLogicalId('traffic_state');
    this.current = new TerraformLocal(this, 'traffic_state', Fn.jsondecode(this.parameter.insecureValue));
    this.current.overrideLogicalId('traffic_state');
  }

  /** `blue` or `green`: the fleet serving production traffic now. */
  get stableColour(): string {
    return Token.asString(Fn.lookupNested(this.current.expression, ['stable']));
  }

  /** `blue` or `green`: the other fleet, the canary. */
  get canaryColour(): string {
    return Token.asString(Fn.lookup({ blue: 'green', green: 'blue' }, this.stableColour));
  }

  /** Percent of requests the fleet of this colour receives now. */
  weightOf(colour: FleetColour): number {
    return Token.asNumber(Fn.lookupNested(this.current.expression, ['weights', colour]));
  }

  /** The value of the fleet in `role` now, chosen from per-colour values by the current stable colour. */
  pick(values: Record<FleetColour, string>, role: 'stable' | 'canary'): string {
    return Token.asString(Fn.lookup(values, role === 'stable' ? this.stableColour : this.canaryColour));
  }

  /**
   * True when a canary is running: the canary fleet has a model version in the traffic state. The
   * rollout controller writes it before scaling the canary up and clears it (null) once that fleet idles.
   */
  get canaryRunning(): IResolvable {
    return Op.neq(Fn.lookupNested(this.current.expression, ['modelVersions', this.canaryColour]), Token.nullValue());
  }
}
