import { isGpuInstanceType, type FleetColour } from '@canaryfleet/config';
import { AutoscalingGroup } from '@cdktf/provider-aws/lib/autoscaling-group';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { FleetRole } from './fleet-role';
import { renderUserData } from './user-data';
import { FleetPropError, requireIntegerIn } from './validation';

export const GPU_AMI_PARAMETER = '/aws/service/deeplearning/ami/x86_64/base-oss-nvidia-driver-gpu-amazon-linux-2023/latest/ami-id';
export const CPU_AMI_PARAMETER = '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64';

export interface InferenceFleetProps {
  readonly environment: string;
  /** AWS name of the fleet; users see its role (stable/canary), which the traffic state decides. */
  readonly colour: FleetColour;
  /** Whether the fleet starts as the stable one (initial capacity) or the idle canary (0 instances). */
  readonly initialRole: 'stable' | 'canary';
  /** 1..20 types, all GPU or all CPU; the first is the launch template's. */
  readonly instanceTypes: readonly string[];
  /** Stable capacity floor, 1..1000 (the canary fleet starts at 0). */
  readonly minCapacity: number;
  /** 1..1000, at least minCapacity. */
  readonly maxCapacity: number;
  /** Instances of the stable fleet at creation, minCapacity..maxCapacity; the operator owns it afterwards. */
  readonly initialCapacity: number;
  /** Root gp3 volume, 20..16384 GiB. @default 100 */
  readonly rootVolumeGiB?: number;
  /** Boot + model download + load before ELB health checks count, 60..7200 s. @default 900 */
  readonly healthCheckGracePeriodSeconds?: number;
  /** Public SSM parameter of the AMI. @default Deep Learning AMI (GPU types) or Amazon Linux 2023 */
  readonly amiParameter?: string;
  /** Why the container needs IMDSv2 hop limit 2; unset keeps the secure default of 1. */
  readonly imdsHopLimit2Reason?: string;
  readonly privateSubnetIds: readonly string[];
  readonly securityGroupId: string;
  readonly targetGroupArn: string;
  readonly trafficStateParameterName: string;
  readonly trafficStateParameterArn: string;
  readonly image: string;
  readonly port: number;
  readonly healthPath: string;
  readonly modelArtifactUri: string;
  /**
   * The AWS API is moto (the local environment): work around its gaps, each listed in docs/local-aws.md
   * "moto gaps". Never set for a real account. @default false
   */
  readonly localAws?: boolean;
}

/**
 * One of the two identical fleets of an environment (DESIGN.md #4): launch template, least-privilege
 * instance profile, and an ASG behind its target group whose desired capacity the operator owns.
 */
export class InferenceFleet extends Construct {
  readonly launchTemplate: LaunchTemplate;
  readonly autoScalingGroup: AutoscalingGroup;
  readonly role: FleetRole;
  readonly userData: string;

  constructor(scope: Construct, id: string, props: InferenceFleetProps) {
    super(scope, id);
    validate(props);
    const name = `canaryfleet-${props.environment}-${props.colour}`;
    const gpu = isGpuInstanceType(props.instanceTypes[0]);

    this.role = new FleetRole(this, 'role', {
      name,
      trafficStateParameterArn: props.trafficStateParameterArn,
      modelArtifactUri: props.modelArtifactUri,
      image: props.image,
    });
    this.userData = renderUserData({
      environment: props.environment,
      colour: props.colour,
      trafficStateParameter: props.trafficStateParameterName,
      image: props.image,
      port: props.port,
      healthPath: props.healthPath,
      modelArtifactUri: props.modelArtifactUri,
      gpu,
    });

    const amiParameter = props.amiParameter ?? (gpu ? GPU_AMI_PARAMETER : CPU_AMI_PARAMETER);
    this.launchTemplate = new LaunchTemplate(this, 'launch-template', {
      name,
      description: `canaryfleet ${props.environment} inference fleet ${props.colour}`,
      // Resolved at each launch: a new AMI never shows up as Terraform drift.
      imageId: `resolve:ssm:${amiParameter}`,
      instanceType: props.instanceTypes[0],
      iamInstanceProfile: { arn: this.role.instanceProfile.arn },
      userData: Buffer.from(this.userData).toString('base64'),
      updateDefaultVersion: true,
      ebsOptimized: 'true',
      metadataOptions: {
        httpEndpoint: 'enabled',
        httpTokens: 'required',
        httpPutResponseHopLimit: props.imdsHopLimit2Reason ? 2 : 1,
        instanceMetadataTags: 'disabled',
      },
      monitoring: { enabled: true },
      blockDeviceMappings: [
        { deviceName: '/dev/xvda', ebs: { volumeSize: props.rootVolumeGiB ?? 100, volumeType: 'gp3', encrypted: 'true', deleteOnTermination: 'true' } },
      ],
      networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: 'false', securityGroups: [props.securityGroupId], deleteOnTermination: 'true' }],
      tagSpecifications: [
        { resourceType: 'instance', tags: { Name: name, Fleet: props.colour } },
        { resourceType: 'volume', tags: { Name: name, Fleet: props.colour } },
      ],
      tags: { Name: name },
      // moto gap: moto reports the template's own tags as a `launch-template` tag specification.
      ...(props.localAws ? { lifecycle: { ignoreChanges: ['tag_specifications'] } } : {}),
    });
    this.launchTemplate.overrideLogicalId(`launch_template_${props.colour}`);

    const template = { id: this.launchTemplate.id, version: Fn.tostring(this.launchTemplate.latestVersion) };
    const stable = props.initialRole === 'stable';
    this.autoScalingGroup = new AutoscalingGroup(this, 'asg', {
      name,
      vpcZoneIdentifier: [...props.privateSubnetIds],
      // Idle canary: zero GPU instances. The operator owns min and desired once created (ping-pong).
      minSize: stable ? props.minCapacity : 0,
      desiredCapacity: stable ? props.initialCapacity : 0,
      maxSize: props.maxCapacity,
      healthCheckType: 'ELB',
      healthCheckGracePeriod: props.healthCheckGracePeriodSeconds ?? 900,
      targetGroupArns: [props.targetGroupArn],
      waitForCapacityTimeout: '0',
      ...(props.instanceTypes.length === 1
        ? { launchTemplate: template }
        : {
            mixedInstancesPolicy: {
              // GPU inference on spot would lose requests mid-generation: on-demand only.
              instancesDistribution: { onDemandBaseCapacity: 0, onDemandPercentageAboveBaseCapacity: 100 },
              launchTemplate: {
                launchTemplateSpecification: { launchTemplateId: this.launchTemplate.id, version: Fn.tostring(this.launchTemplate.latestVersion) },
                override: props.instanceTypes.map((instanceType) => ({ instanceType })),
              },
            },
          }),
      // A launch template change replaces instances by a rolling refresh that keeps full capacity.
      // moto gap: moto's instance refreshes never finish, so the provider would wait forever.
      ...(props.localAws
        ? {}
        : {
            instanceRefresh: {
              strategy: 'Rolling',
              preferences: { minHealthyPercentage: 100, maxHealthyPercentage: 200, instanceWarmup: String(props.healthCheckGracePeriodSeconds ?? 900), autoRollback: true },
            },
          }),
      enabledMetrics: ['GroupDesiredCapacity', 'GroupInServiceInstances', 'GroupPendingInstances', 'GroupTerminatingInstances', 'GroupTotalInstances'],
      tag: [
        { key: 'Name', value: name, propagateAtLaunch: true },
        { key: 'Fleet', value: props.colour, propagateAtLaunch: true },
      ],
      lifecycle: { ignoreChanges: ['desired_capacity', 'min_size'] },
    });
    this.autoScalingGroup.overrideLogicalId(`asg_${props.colour}`);
  }
}

function validate(props: InferenceFleetProps): void {
  const types = props.instanceTypes;
  if (types.length === 0 || types.length > 20) {
    throw new FleetPropError(`instanceTypes: ${types.length} given: must list 1 to 20 EC2 instance types`);
  }
  const gpuTypes = types.filter(isGpuInstanceType);
  if (gpuTypes.length > 0 && gpuTypes.length < types.length) {
    throw new FleetPropError(`instanceTypes = ${JSON.stringify(types)}: must be all GPU or all CPU instance types`);
  }
  requireIntegerIn('minCapacity', props.minCapacity, 1, 1000);
  requireIntegerIn('maxCapacity', props.maxCapacity, 1, 1000);
  if (props.minCapacity > props.maxCapacity) {
    throw new FleetPropError(`minCapacity = ${props.minCapacity}: must be at most maxCapacity (${props.maxCapacity})`);
  }
  if (props.initialCapacity < props.minCapacity || props.initialCapacity > props.maxCapacity) {
    throw new FleetPropError(`initialCapacity = ${props.initialCapacity}: must be from minCapacity (${props.minCapacity}) to maxCapacity (${props.maxCapacity})`);
  }
  requireIntegerIn('rootVolumeGiB', props.rootVolumeGiB, 20, 16384, ' GiB');
  requireIntegerIn('healthCheckGracePeriodSeconds', props.healthCheckGracePeriodSeconds, 60, 7200, ' seconds');
  if (props.imdsHopLimit2Reason !== undefined && props.imdsHopLimit2Reason.trim().length < 10) {
    throw new FleetPropError(`imdsHopLimit2Reason = "${props.imdsHopLimit2Reason}": must explain in at least 10 characters why the container needs hop limit 2`);
  }
  if (props.privateSubnetIds.length < 2) {
    throw new FleetPropError(`privateSubnetIds: ${props.privateSubnetIds.length} given: a fleet spans at least 2 availability zones`);
  }
}
