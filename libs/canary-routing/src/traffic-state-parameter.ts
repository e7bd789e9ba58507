import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';
import {
  initialTrafficState,
  trafficStateChecks,
  trafficStateDocumentHcl,
  trafficStateParameterName,
  trafficStateShapeValidHcl,
  type Release,
  type TrafficState,
} from '@canaryfleet/traffic-state';
import { TerraformLocal, type Precondition } from 'cdktf';
import { Construct } from 'constructs';
import { PropError } from '@canaryfleet/config';

export interface TrafficStateParameterProps {
  /** Environment name; the parameter is `/canaryfleet/<environment>/traffic-state`. */
  readonly environment: string;
  /** What the stable (blue) fleet runs at creation; the AMI id may be a Terraform reference. */
  readonly initialRelease: Release;
  /** Refuse any plan that destroys the parameter (its history goes with it). @default true */
  readonly preventDestroy?: boolean;
}

/** Terraform addresses the checks read; pinned so the HCL can name them. */
const PARAMETER = 'aws_ssm_parameter.traffic_state';
const NAMES = { raw: `${PARAMETER}.insecure_value`, document: 'local.traffic_state_document', shapeValid: 'local.traffic_state_shape_valid' } as const;

/**
 * The traffic state of an environment (DESIGN.md #3, ADR 0007): one SSM String parameter holding the
 * document of libs/traffic-state. Terraform writes revision 1 (idle, blue stable) and ignores every
 * later revision; it reads the current one back only to check it (`checks`), so a plan stops on an
 * invalid document with a message naming the field.
 */
export class TrafficStateParameter extends Construct {
  readonly parameter: SsmParameter;
  readonly parameterName: string;
  /** Revision 1, as written at creation (the AMI id is a reference until apply). */
  readonly initialState: TrafficState;

  constructor(scope: Construct, id: string, props: TrafficStateParameterProps) {
    super(scope, id);
    if (props.initialRelease.modelVersion.length === 0) {
      throw new PropError('initialRelease.modelVersion = "": must be a non-empty model version');
    }
    this.parameterName = trafficStateParameterName(props.environment);
    this.initialState = initialTrafficState(props.initialRelease);
    this.parameter = new SsmParameter(this, 'parameter', {
      name: this.parameterName,
      description: `Traffic state of canaryfleet ${props.environment} (libs/traffic-state): stable fleet, phase, canary share per mille, release per fleet. Written by the rollout operator after creation.`,
      type: 'String',
      // insecure_value, not value: the provider marks `value` sensitive and plans would hide the document.
      insecureValue: JSON.stringify(this.initialState, null, 2),
      lifecycle: { ignoreChanges: ['insecure_value'], preventDestroy: props.preventDestroy ?? true },
    });
    this.parameter.overrideLogicalId('traffic_state');
    new TerraformLocal(this, 'document', `\${${trafficStateDocumentHcl(NAMES.raw)}}`).overrideLogicalId('traffic_state_document');
    new TerraformLocal(this, 'shape-valid', `\${${trafficStateShapeValidHcl(NAMES)}}`).overrideLogicalId('traffic_state_shape_valid');
  }

  /** Preconditions that stop a plan on an invalid document (attached to the resource the document drives). */
  get checks(): Precondition[] {
    return trafficStateChecks(NAMES).map((check) => ({ condition: `\${${check.condition}}`, errorMessage: `\${${check.errorMessage}}` }));
  }
}
