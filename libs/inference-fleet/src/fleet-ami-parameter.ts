import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';
import type { FleetColour } from '@canaryfleet/traffic-state';
import { Construct } from 'constructs';

export interface FleetAmiParameterProps {
  readonly environment: string;
  readonly colour: FleetColour;
  /** The AMI at creation: the environment's AMI source parameter, resolved at apply. */
  readonly initialAmiId: string;
}

/** `/canaryfleet/<env>/fleets/<colour>/ami-id`: the parameter a fleet's launch template resolves its AMI from. */
export function fleetAmiParameterName(environment: string, colour: FleetColour): string {
  return `/canaryfleet/${environment}/fleets/${colour}/ami-id`;
}

/**
 * The AMI a fleet boots, as an `aws:ec2:image` parameter the launch template resolves at each launch
 * (`resolve:ssm:`), so the AMI is part of a release, not of the launch template: the rollout operator
 * writes it from the release's `amiId` when a release starts on this fleet, and Terraform, which
 * creates it, ignores its value afterwards (ADR 0007). An AMI change never refreshes the stable fleet.
 * Writing it needs ssm:PutParameter and ec2:DescribeImages (AWS validates the id); launching from it,
 * ssm:GetParameters, which the Auto Scaling service-linked role has.
 */
export class FleetAmiParameter extends Construct {
  readonly parameter: SsmParameter;
  readonly parameterName: string;

  constructor(scope: Construct, id: string, props: FleetAmiParameterProps) {
    super(scope, id);
    this.parameterName = fleetAmiParameterName(props.environment, props.colour);
    this.parameter = new SsmParameter(this, 'parameter', {
      name: this.parameterName,
      description: `AMI of the ${props.colour} fleet of canaryfleet ${props.environment}: written by the rollout operator from the release it starts on this fleet.`,
      type: 'String',
      dataType: 'aws:ec2:image',
      // Not a secret: plans show the AMI.
      insecureValue: props.initialAmiId,
      lifecycle: { ignoreChanges: ['insecure_value'] },
    });
    this.parameter.overrideLogicalId(`fleet_ami_${props.colour}`);
  }
}
