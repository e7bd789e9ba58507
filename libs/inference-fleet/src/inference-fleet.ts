import { INSTANCE_TYPE_PATTERN, isGpuInstanceType, PropError, requireIntegerIn } from '@canaryfleet/config';
import { AutoscalingGroup } from '@cdktf/provider-aws/lib/autoscaling-group';
import { AutoscalingLifecycleHook } from '@cdktf/provider-aws/lib/autoscaling-lifecycle-hook';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import type { FleetColour } from '@canaryfleet/traffic-state';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { FleetAmiParameter } from './fleet-ami-parameter';
import { FleetRole } from './fleet-role';
import { renderUserData } from './user-data';

/** Public AMI source parameters: the Deep Learning AMI for NVIDIA GPU types, Amazon Linux 2023 otherwise. */
export const GPU_AMI_PARAMETER = '/aws/service/deeplearning/ami/x86_64/base-oss-nvidia-driver-gpu-amazon-linux-2023/latest/ami-id';
export const CPU_AMI_PARAMETER = '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64';

/** The public parameter an environment resolves the AMI of a release from. */
export function amiSourceParameter(instanceType: string, configured?: string): string {
  return configured ?? (isGpuInstanceType(instanceType) ? GPU_AMI_PARAMETER : CPU_AMI_PARAMETER);
}

/** Name of the launch lifecycle hook each instance completes after its warm-up. */
export const WARM_UP_HOOK = 'warm-up';

export interface InferenceFleetProps {
  readonly environment: string;
  /** AWS name of the fleet; users see its role (stable/canary), which the traffic state decides. */
  readonly colour: FleetColour;
  /** Whether the fleet starts as the stable one (initial capacity) or the idle canary (0 instances). */
  readonly initialRole: 'stable' | 'canary';
  /** The one instance type of both fleets: a canary and its baseline run the same hardware. */
  readonly instanceType: string;
  /** Stable capacity floor, 1..1000 (the canary fleet starts at 0). */
  readonly minCapacity: number;
  /** 1..1000, at least minCapacity. */
  readonly maxCapacity: number;
  /** Instances of the stable fleet at creation, minCapacity..maxCapacity; the operator owns it afterwards. */
  readonly initialCapacity: number;
  /** Root gp3 volume, 20..16384 GiB. @default 100 */
  readonly rootVolumeGiB?: number;
  /**
   * Longest warm-up (boot, pull, model load) before the instance answers its health path on both ports
   * and completes its launch lifecycle hook, 300..7200 s; then the launch is abandoned. @default 1800
   */
  readonly warmUpTimeoutSeconds?: number;
  /** Time after the warm-up before failed ELB health checks may replace an instance, 60..7200 s. @default 900 */
  readonly healthCheckGracePeriodSeconds?: number;
  /** The AMI the fleet's own AMI parameter starts with (the AMI source parameter, resolved at apply). */
  readonly initialAmiId: string;
  /** Why the container needs IMDSv2 hop limit 2; unset keeps the secure default of 1. */
  readonly imdsHopLimit2Reason?: string;
  readonly privateSubnetIds: readonly string[];
  readonly securityGroupId: string;
  /** The fleet's weighted target group (judged traffic). */
  readonly targetGroupArn: string;
  /** The fleet's pinned target group (header overrides, on the pinned port); the ASG registers with both. */
  readonly pinnedTargetGroupArn: string;
  readonly trafficStateParameterName: string;
  readonly trafficStateParameterArn: string;
  /** The environment's default server image; releases pull from its ECR repository. */
  readonly defaultServerImage: string;
  readonly port: number;
  /** Second server port, behind the pinned target group; differs from port. */
  readonly pinnedPort: number;
  readonly healthPath: string;
  /** Threshold of the server's SlowRequestCount: (0, 600] seconds. */
  readonly slowRequestSeconds: number;
  readonly modelArtifactUri: string;
  readonly region: string;
  /** The account, for the ARNs the instance role is scoped to (a reference to the caller identity is fine). */
  readonly accountId: string;
  /**
   * The AWS API is moto (the local environment): work around its gaps, each listed in docs/local-aws.md
   * "moto gaps". Never set for a real account. @default false
   */
  readonly localAws?: boolean;
}

/**
 * One of the two identical fleets of an environment (DESIGN.md #4): launch template, least-privilege
 * instance profile, its own AMI parameter, and an ASG behind its weighted and pinned target groups
 * whose desired capacity the operator owns. What the fleet runs (model, image, AMI) is its release in
 * the traffic state, never the launch template, so a new release never refreshes a running fleet. A
 * launch lifecycle hook holds each new instance out of its target groups until its server answers
 * (GPU warm-up), so a multi-GB model load never shows as unhealthy hosts or failed requests.
 */
export class InferenceFleet extends Construct {
  readonly launchTemplate: LaunchTemplate;
  readonly autoScalingGroup: AutoscalingGroup;
  readonly warmUpHook: AutoscalingLifecycleHook;
  readonly role: FleetRole;
  readonly amiParameter: FleetAmiParameter;
  readonly userData: string;

  constructor(scope: Construct, id: string, props: InferenceFleetProps) {
    super(scope, id);
    validate(props);
    const name = `canaryfleet-${props.environment}-${props.colour}`;
    const gpu = isGpuInstanceType(props.instanceType);
    const warmUpTimeoutSeconds = props.warmUpTimeoutSeconds ?? 1800;

    this.role = new FleetRole(this, 'role', {
      name,
      region: props.region,
      accountId: props.accountId,
      trafficStateParameterArn: props.trafficStateParameterArn,
      modelArtifactUri: props.modelArtifactUri,
      defaultServerImage: props.defaultServerImage,
      autoScalingGroupName: name,
    });
    this.userData = renderUserData({
      environment: props.environment,
      colour: props.colour,
      trafficStateParameter: props.trafficStateParameterName,
      port: props.port,
      pinnedPort: props.pinnedPort,
      healthPath: props.healthPath,
      slowRequestSeconds: props.slowRequestSeconds,
      modelArtifactUri: props.modelArtifactUri,
      gpu,
      warmUp: { autoScalingGroupName: name, lifecycleHookName: WARM_UP_HOOK, timeoutSeconds: warmUpTimeoutSeconds },
    });

    this.amiParameter = new FleetAmiParameter(this, 'ami', { environment: props.environment, colour: props.colour, initialAmiId: props.initialAmiId });
    this.launchTemplate = new LaunchTemplate(this, 'launch-template', {
      name,
      description: `canaryfleet ${props.environment} inference fleet ${props.colour}`,
      // Resolved at each launch from the fleet's own parameter, which the operator writes per release:
      // a new AMI is never a launch-template change, so it never refreshes this fleet.
      imageId: `resolve:ssm:${this.amiParameter.parameter.name}`,
      instanceType: props.instanceType,
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
      // Both groups: weighted traffic on the server port, header overrides on the pinned port.
      targetGroupArns: [props.targetGroupArn, props.pinnedTargetGroupArn],
      waitForCapacityTimeout: '0',
      // One instance type, on demand: a mixed-instances group could judge a canary on other hardware
      // than its baseline, and GPU inference on spot would lose requests mid-generation.
      launchTemplate: template,
      // A launch template change (instance type, start script) replaces instances by a rolling refresh
      // that keeps full capacity; releases (model, image, AMI) are not in the template.
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

    // A separate resource, not initial_lifecycle_hook (which the provider applies only when it creates a
    // group): existing fleets get it too. Instances launched before it exists (a new environment's
    // first stable instances) go straight into service; their warm-up finds no action to complete.
    this.warmUpHook = new AutoscalingLifecycleHook(this, 'warm-up-hook', {
      name: WARM_UP_HOOK,
      autoscalingGroupName: this.autoScalingGroup.name,
      lifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING',
      heartbeatTimeout: warmUpTimeoutSeconds,
      defaultResult: 'ABANDON',
      // moto gap: moto reports a placeholder notification target and role on every hook.
      ...(props.localAws ? { lifecycle: { ignoreChanges: ['notification_target_arn', 'role_arn'] } } : {}),
    });
    this.warmUpHook.overrideLogicalId(`warm_up_hook_${props.colour}`);
  }
}

function validate(props: InferenceFleetProps): void {
  if (!INSTANCE_TYPE_PATTERN.test(props.instanceType)) {
    throw new PropError(`instanceType = ${JSON.stringify(props.instanceType)}: must be an EC2 instance type like g6.xlarge`);
  }
  requireIntegerIn('minCapacity', props.minCapacity, 1, 1000);
  requireIntegerIn('maxCapacity', props.maxCapacity, 1, 1000);
  if (props.minCapacity > props.maxCapacity) {
    throw new PropError(`minCapacity = ${props.minCapacity}: must be at most maxCapacity (${props.maxCapacity})`);
  }
  if (props.initialCapacity < props.minCapacity || props.initialCapacity > props.maxCapacity) {
    throw new PropError(`initialCapacity = ${props.initialCapacity}: must be from minCapacity (${props.minCapacity}) to maxCapacity (${props.maxCapacity})`);
  }
  requireIntegerIn('rootVolumeGiB', props.rootVolumeGiB, 20, 16384, ' GiB');
  requireIntegerIn('warmUpTimeoutSeconds', props.warmUpTimeoutSeconds, 300, 7200, ' seconds');
  requireIntegerIn('healthCheckGracePeriodSeconds', props.healthCheckGracePeriodSeconds, 60, 7200, ' seconds');
  if (props.imdsHopLimit2Reason !== undefined && props.imdsHopLimit2Reason.trim().length < 10) {
    throw new PropError(`imdsHopLimit2Reason = "${props.imdsHopLimit2Reason}": must explain in at least 10 characters why the container needs hop limit 2`);
  }
  requireIntegerIn('port', props.port, 1, 65535);
  requireIntegerIn('pinnedPort', props.pinnedPort, 1, 65535);
  if (props.pinnedPort === props.port) {
    throw new PropError(`pinnedPort = ${props.pinnedPort}: must differ from port (${props.port}): the server tells weighted from pinned requests by the port they arrive on`);
  }
  if (!(props.slowRequestSeconds > 0 && props.slowRequestSeconds <= 600)) {
    throw new PropError(`slowRequestSeconds = ${props.slowRequestSeconds}: must be a number of seconds above 0 and at most 600`);
  }
  if (props.privateSubnetIds.length < 2) {
    throw new PropError(`privateSubnetIds: ${props.privateSubnetIds.length} given: a fleet spans at least 2 availability zones`);
  }
}
