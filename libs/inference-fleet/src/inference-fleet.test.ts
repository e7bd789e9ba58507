import { Testing, TerraformStack } from 'cdktf';
import { amiSourceParameter, InferenceFleet, type InferenceFleetProps } from './inference-fleet';

function props(overrides: Partial<InferenceFleetProps> = {}): InferenceFleetProps {
  return {
    environment: 'test',
    colour: 'blue',
    initialRole: 'stable',
    instanceType: 'g6.xlarge',
    minCapacity: 1,
    maxCapacity: 4,
    initialCapacity: 2,
    privateSubnetIds: ['subnet-a', 'subnet-b'],
    securityGroupId: 'sg-fleet',
    targetGroupArn: 'arn:tg-blue',
    pinnedTargetGroupArn: 'arn:tg-blue-pin',
    trafficStateParameterName: '/canaryfleet/test/traffic-state',
    trafficStateParameterArn: 'arn:aws:ssm:us-east-1:111111111111:parameter/canaryfleet/test/traffic-state',
    defaultServerImage: '111111111111.dkr.ecr.us-east-1.amazonaws.com/llm-server:1.4.2',
    initialAmiId: '${data.aws_ssm_parameter.ami_source.insecure_value}',
    port: 8080,
    pinnedPort: 8081,
    healthPath: '/health',
    slowRequestSeconds: 5,
    modelArtifactUri: 's3://models-bucket/test/',
    region: 'us-east-1',
    accountId: '111111111111',
    ...overrides,
  };
}

type Synth = { resource: Record<string, Record<string, Record<string, unknown>>> };
function synth(overrides: Partial<InferenceFleetProps> = {}): Synth {
  const stack = new TerraformStack(Testing.app(), 'test');
  new InferenceFleet(stack, 'fleet', props(overrides));
  return JSON.parse(Testing.synth(stack)) as Synth;
}

describe('InferenceFleet', () => {
  const json = synth();

  it('launches from the AMI its own parameter names at launch time, with IMDSv2, encrypted gp3 and no public IP', () => {
    expect(json.resource.aws_launch_template.launch_template_blue).toMatchObject({
      image_id: 'resolve:ssm:${aws_ssm_parameter.fleet_ami_blue.name}',
      instance_type: 'g6.xlarge',
      metadata_options: { http_tokens: 'required', http_put_response_hop_limit: 1, http_endpoint: 'enabled' },
      monitoring: { enabled: true },
      block_device_mappings: [{ device_name: '/dev/xvda', ebs: { volume_size: 100, volume_type: 'gp3', encrypted: 'true' } }],
      network_interfaces: [{ associate_public_ip_address: 'false', security_groups: ['sg-fleet'] }],
    });
    const userData = Buffer.from(json.resource.aws_launch_template.launch_template_blue.user_data as string, 'base64').toString();
    expect(userData).toContain('--gpus all');
  });

  it('owns an AMI parameter the operator writes per release: created from the AMI source, its value ignored afterwards', () => {
    expect(json.resource.aws_ssm_parameter.fleet_ami_blue).toEqual({
      name: '/canaryfleet/test/fleets/blue/ami-id',
      description: 'AMI of the blue fleet of canaryfleet test: written by the rollout operator from the release it starts on this fleet.',
      type: 'String',
      data_type: 'aws:ec2:image',
      insecure_value: '${data.aws_ssm_parameter.ami_source.insecure_value}',
      lifecycle: { ignore_changes: ['insecure_value'] },
    });
  });

  it('keeps releases out of the launch template: a new image or AMI of a release changes nothing Terraform writes', () => {
    const template = (overrides: Partial<InferenceFleetProps>) => {
      const { user_data: userData, image_id: imageId } = synth(overrides).resource.aws_launch_template.launch_template_blue;
      return { userData, imageId };
    };
    const base = template({});
    expect(template({ defaultServerImage: '111111111111.dkr.ecr.us-east-1.amazonaws.com/llm-server:2.0.0' })).toEqual(base);
    expect(template({ initialAmiId: 'ami-0fedcba9876543210' })).toEqual(base);
  });

  it('picks the AMI source by instance family unless configured', () => {
    expect(amiSourceParameter('g6.xlarge')).toBe('/aws/service/deeplearning/ami/x86_64/base-oss-nvidia-driver-gpu-amazon-linux-2023/latest/ami-id');
    expect(amiSourceParameter('c7i.xlarge')).toBe('/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64');
    expect(amiSourceParameter('c7i.xlarge', '/aws/service/custom/ami')).toBe('/aws/service/custom/ami');
  });

  it('keeps IMDS hop limit 1 unless a reason for 2 is given', () => {
    const cpu = synth({ instanceType: 'c7i.xlarge', imdsHopLimit2Reason: 'the server container calls IMDS over the docker bridge' });
    expect(cpu.resource.aws_launch_template.launch_template_blue).toMatchObject({ metadata_options: { http_put_response_hop_limit: 2 } });
  });

  it('runs an ELB-checked ASG behind its target group whose desired capacity the operator owns', () => {
    expect(json.resource.aws_autoscaling_group.asg_blue).toMatchObject({
      name: 'canaryfleet-test-blue',
      min_size: 1,
      max_size: 4,
      desired_capacity: 2,
      health_check_type: 'ELB',
      health_check_grace_period: 900,
      target_group_arns: ['arn:tg-blue', 'arn:tg-blue-pin'],
      vpc_zone_identifier: ['subnet-a', 'subnet-b'],
      lifecycle: { ignore_changes: ['desired_capacity', 'min_size'] },
      instance_refresh: { strategy: 'Rolling', preferences: { min_healthy_percentage: 100 } },
      tag: [
        { key: 'Name', value: 'canaryfleet-test-blue', propagate_at_launch: true },
        { key: 'Fleet', value: 'blue', propagate_at_launch: true },
      ],
    });
  });

  it('starts the idle canary fleet at zero instances', () => {
    const canary = synth({ colour: 'green', initialRole: 'canary' });
    expect(canary.resource.aws_autoscaling_group.asg_green).toMatchObject({ min_size: 0, desired_capacity: 0, max_size: 4 });
  });

  it('runs one instance type from its launch template, on demand: never a mix a canary could be judged across', () => {
    const asg = json.resource.aws_autoscaling_group.asg_blue;
    expect(asg.mixed_instances_policy).toBeUndefined();
    expect(asg.launch_template).toEqual({ id: '${aws_launch_template.launch_template_blue.id}', version: '${tostring(aws_launch_template.launch_template_blue.latest_version)}' });
  });

  it('holds each new instance out of its target groups until it completes its warm-up, abandoning the launch after the timeout', () => {
    expect(json.resource.aws_autoscaling_lifecycle_hook.warm_up_hook_blue).toEqual({
      name: 'warm-up',
      autoscaling_group_name: '${aws_autoscaling_group.asg_blue.name}',
      lifecycle_transition: 'autoscaling:EC2_INSTANCE_LAUNCHING',
      heartbeat_timeout: 1800,
      default_result: 'ABANDON',
    });
    expect(synth({ warmUpTimeoutSeconds: 2400 }).resource.aws_autoscaling_lifecycle_hook.warm_up_hook_blue.heartbeat_timeout).toBe(2400);
    // A separate resource, never the group's initial_lifecycle_hook, which the provider ignores on existing groups.
    expect(json.resource.aws_autoscaling_group.asg_blue.initial_lifecycle_hook).toBeUndefined();
    // The instance completes the hook of its own group, by the names the hook and the group have.
    const userData = Buffer.from(json.resource.aws_launch_template.launch_template_blue.user_data as string, 'base64').toString();
    expect(userData).toContain("GROUP='canaryfleet-test-blue'");
    expect(userData).toContain("HOOK='warm-up'");
    expect(userData).toContain('DEADLINE=$((SECONDS + 1740))');
  });

  it('grants least privilege: the traffic-state parameter, the model prefix, one ECR repository, and scoped exceptions only', () => {
    const policy = JSON.parse(Object.values(json.resource.aws_iam_role_policy)[0].policy as string) as { Statement: { Sid: string; Action: unknown; Resource: unknown }[] };
    const bySid = Object.fromEntries(policy.Statement.map((s) => [s.Sid, s]));
    expect(Object.keys(bySid)).toEqual(['ReadTrafficState', 'ReadModelArtifacts', 'ListModelArtifacts', 'CompleteOwnLifecycleAction', 'PublishFleetMetrics', 'SessionManagerRegistration', 'SessionManagerChannels', 'EcrLogin', 'PullServerImage']);
    expect(bySid.ReadTrafficState).toEqual({ Sid: 'ReadTrafficState', Effect: 'Allow', Action: 'ssm:GetParameter', Resource: 'arn:aws:ssm:us-east-1:111111111111:parameter/canaryfleet/test/traffic-state' });
    expect(bySid.ReadModelArtifacts).toMatchObject({ Action: 's3:GetObject', Resource: 'arn:aws:s3:::models-bucket/test/*' });
    expect(bySid.ListModelArtifacts).toMatchObject({ Action: 's3:ListBucket', Condition: { StringLike: { 's3:prefix': ['test/*'] } } });
    // Its own group only: the instance may complete no other group's lifecycle action (the group name is the ASG's).
    expect(bySid.CompleteOwnLifecycleAction).toEqual({
      Sid: 'CompleteOwnLifecycleAction',
      Effect: 'Allow',
      Action: 'autoscaling:CompleteLifecycleAction',
      Resource: `arn:aws:autoscaling:us-east-1:111111111111:autoScalingGroup:*:autoScalingGroupName/${json.resource.aws_autoscaling_group.asg_blue.name as string}`,
    });
    expect(bySid.PublishFleetMetrics).toMatchObject({ Action: 'cloudwatch:PutMetricData', Resource: '*', Condition: { StringEquals: { 'cloudwatch:namespace': 'CanaryFleet/Inference' } } });
    expect(bySid.SessionManagerRegistration).toMatchObject({ Action: 'ssm:UpdateInstanceInformation', Resource: 'arn:aws:ec2:us-east-1:111111111111:instance/*' });
    expect(bySid.PullServerImage).toMatchObject({ Resource: 'arn:aws:ecr:us-east-1:111111111111:repository/llm-server' });
    // No parameter is readable but the traffic state: no ssm:GetParameter* anywhere else, and no AWS managed policy.
    expect(policy.Statement.filter((s) => JSON.stringify(s.Action).includes('ssm:GetParameter')).map((s) => s.Sid)).toEqual(['ReadTrafficState']);
    expect(json.resource.aws_iam_role_policy_attachment).toBeUndefined();
  });

  it('works around moto only when localAws is set', () => {
    const local = synth({ localAws: true });
    expect(local.resource.aws_autoscaling_group.asg_blue.instance_refresh).toBeUndefined();
    expect(local.resource.aws_launch_template.launch_template_blue.lifecycle).toEqual({ ignore_changes: ['tag_specifications'] });
    expect(json.resource.aws_launch_template.launch_template_blue.lifecycle).toBeUndefined();
    expect(local.resource.aws_autoscaling_lifecycle_hook.warm_up_hook_blue.lifecycle).toEqual({ ignore_changes: ['notification_target_arn', 'role_arn'] });
    expect(json.resource.aws_autoscaling_lifecycle_hook.warm_up_hook_blue.lifecycle).toBeUndefined();
  });

  it.each<[string, Partial<InferenceFleetProps>, string]>([
    ['a malformed instance type', { instanceType: 'g6 xlarge' }, 'instanceType = "g6 xlarge": must be an EC2 instance type like g6.xlarge'],
    ['a warm-up beyond the lifecycle hook heartbeat', { warmUpTimeoutSeconds: 7201 }, 'warmUpTimeoutSeconds = 7201: must be an integer from 300 to 7200 seconds'],
    ['min above max', { minCapacity: 5, maxCapacity: 4, initialCapacity: 4 }, 'minCapacity = 5: must be at most maxCapacity (4)'],
    ['initial capacity outside min..max', { initialCapacity: 9 }, 'initialCapacity = 9: must be from minCapacity (1) to maxCapacity (4)'],
    ['max capacity out of range', { maxCapacity: 1001 }, 'maxCapacity = 1001: must be an integer from 1 to 1000'],
    ['a root volume too small for models', { rootVolumeGiB: 8 }, 'rootVolumeGiB = 8: must be an integer from 20 to 16384 GiB'],
    ['a grace period too short for model load', { healthCheckGracePeriodSeconds: 30 }, 'healthCheckGracePeriodSeconds = 30: must be an integer from 60 to 7200 seconds'],
    ['hop limit 2 without a real reason', { imdsHopLimit2Reason: 'needed' }, 'imdsHopLimit2Reason = "needed": must explain in at least 10 characters why the container needs hop limit 2'],
    ['fewer than 2 AZs', { privateSubnetIds: ['subnet-a'] }, 'privateSubnetIds: 1 given: a fleet spans at least 2 availability zones'],
    ['the pinned port on the server port', { pinnedPort: 8080 }, 'pinnedPort = 8080: must differ from port (8080): the server tells weighted from pinned requests by the port they arrive on'],
    ['a slow-request threshold of 0', { slowRequestSeconds: 0 }, 'slowRequestSeconds = 0: must be a number of seconds above 0 and at most 600'],
  ])('refuses %s', (_, overrides, message) => {
    expect(() => new InferenceFleet(new TerraformStack(Testing.app(), 't'), 'fleet', props(overrides))).toThrow(message);
  });
});
