import { CreateSubnetCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  ModifyListenerCommand,
  RegisterTargetsCommand,
  type Action,
  type RuleCondition,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { LOCAL_REGION, startMoto, type LocalAws } from '@canaryfleet/tools';
import { awsClients, type AwsClients } from '../src/aws-clients';

/** ELBv2 resources on a plain moto, created through the SDK (no terraform): what routing tests read. */
export class ElbFixture {
  private groups = 0;

  private constructor(
    readonly moto: LocalAws,
    readonly aws: AwsClients,
    readonly ec2: EC2Client,
    readonly vpcId: string,
    readonly subnetIds: readonly string[],
    readonly loadBalancerArn: string,
  ) {}

  static async start(): Promise<ElbFixture> {
    const moto = await startMoto();
    const aws = awsClients(moto.endpoint);
    const ec2 = new EC2Client({ endpoint: moto.endpoint, region: LOCAL_REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc?.VpcId ?? '';
    const subnetIds = await Promise.all(
      ['a', 'b'].map(async (zone, i) => (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: `10.0.${i}.0/24`, AvailabilityZone: `${LOCAL_REGION}${zone}` }))).Subnet?.SubnetId ?? ''),
    );
    const loadBalancerArn = (await aws.elbv2.send(new CreateLoadBalancerCommand({ Name: 'conformance', Subnets: subnetIds }))).LoadBalancers?.[0].LoadBalancerArn ?? '';
    return new ElbFixture(moto, aws, ec2, vpcId, subnetIds, loadBalancerArn);
  }

  /** A target group on `port`, health-checked on /health every 5 s (the API's minimum), thresholds 2. */
  async targetGroup(instanceIds: readonly string[], port = 8080): Promise<string> {
    this.groups += 1;
    const arn =
      (
        await this.aws.elbv2.send(
          new CreateTargetGroupCommand({
            Name: `tg-${this.groups}`,
            Protocol: 'HTTP',
            Port: port,
            VpcId: this.vpcId,
            TargetType: 'instance',
            HealthCheckPath: '/health',
            HealthCheckIntervalSeconds: 5,
            HealthCheckTimeoutSeconds: 2,
            HealthyThresholdCount: 2,
            UnhealthyThresholdCount: 2,
          }),
        )
      ).TargetGroups?.[0].TargetGroupArn ?? '';
    if (instanceIds.length > 0) await this.aws.elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: arn, Targets: instanceIds.map((Id) => ({ Id })) }));
    return arn;
  }

  async listener(defaultActions: Action[]): Promise<string> {
    return (await this.aws.elbv2.send(new CreateListenerCommand({ LoadBalancerArn: this.loadBalancerArn, Protocol: 'HTTP', Port: 80, DefaultActions: defaultActions }))).Listeners?.[0].ListenerArn ?? '';
  }

  async rule(listenerArn: string, priority: number, conditions: RuleCondition[], actions: Action[]): Promise<void> {
    await this.aws.elbv2.send(new CreateRuleCommand({ ListenerArn: listenerArn, Priority: priority, Conditions: conditions, Actions: actions }));
  }

  async setDefaultActions(listenerArn: string, actions: Action[]): Promise<void> {
    await this.aws.elbv2.send(new ModifyListenerCommand({ ListenerArn: listenerArn, DefaultActions: actions }));
  }

  async stop(): Promise<void> {
    this.aws.destroy();
    this.ec2.destroy();
    await this.moto.stop();
  }
}

export function forward(arn: string): Action {
  return { Type: 'forward', TargetGroupArn: arn };
}

export function weighted(groups: readonly [string, number][], stickySeconds?: number): Action {
  return {
    Type: 'forward',
    ForwardConfig: {
      TargetGroups: groups.map(([TargetGroupArn, Weight]) => ({ TargetGroupArn, Weight })),
      TargetGroupStickinessConfig: stickySeconds === undefined ? { Enabled: false } : { Enabled: true, DurationSeconds: stickySeconds },
    },
  };
}

export function fixed(status: number, body: string): Action {
  return { Type: 'fixed-response', FixedResponseConfig: { StatusCode: String(status), ContentType: 'text/plain', MessageBody: body } };
}
