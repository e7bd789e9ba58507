import { risksOf, type Risk } from '../../src';
import { change } from '../support/changes';

const reasons = (risks: Risk[]) => risks.map((risk) => `${risk.rule} ${risk.address} ${risk.attribute ?? '-'}: ${risk.reason}`);

describe('stateful resources', () => {
  it('flags replacement with the attribute that forces it, and deletion', () => {
    expect(
      reasons(
        risksOf([
          change('aws_lb_target_group.canary', 'replace', { port: 80 }, { port: 81 }, { replacePaths: ['port'] }),
          change('aws_s3_bucket.state', 'delete', { bucket: 's' }, null),
          change('aws_s3_bucket.new', 'create', null, { bucket: 'n' }),
          change('aws_route.default', 'delete', {}, null),
        ]),
      ),
    ).toEqual([
      "stateful-replace-or-delete aws_lb_target_group.canary port: replaced because port changed: a target group carries a fleet's traffic",
      'stateful-replace-or-delete aws_s3_bucket.state -: deleted: a bucket holds state, logs or models',
    ]);
  });
});

describe('world-open ingress', () => {
  it('flags inline and standalone ingress newly open to 0.0.0.0/0 or ::/0, not egress and not rules already open', () => {
    const open = { protocol: 'tcp', from_port: 443, to_port: 443, cidr_blocks: ['0.0.0.0/0'], ipv6_cidr_blocks: [] };
    const risks = risksOf([
      change('aws_security_group.alb', 'update', { ingress: [] }, { ingress: [open], egress: [{ ...open, protocol: '-1' }] }),
      change('aws_security_group.same', 'update', { ingress: [open], description: 'a' }, { ingress: [open], description: 'b' }),
      change('aws_vpc_security_group_ingress_rule.v6', 'create', null, { ip_protocol: '-1', cidr_ipv6: '::/0' }),
      change('aws_security_group_rule.out', 'create', null, { type: 'egress', protocol: 'tcp', from_port: 0, to_port: 0, cidr_blocks: ['0.0.0.0/0'] }),
    ]);
    expect(reasons(risks)).toEqual([
      'world-open-ingress aws_security_group.alb ingress[0].cidr_blocks: opens ingress tcp 443-443 to 0.0.0.0/0',
      'world-open-ingress aws_vpc_security_group_ingress_rule.v6 cidr_ipv6: opens ingress all traffic to ::/0',
    ]);
  });
});

describe('IAM widening', () => {
  const doc = (statement: object) => JSON.stringify({ Version: '2012-10-17', Statement: [statement] });

  it('flags new actions, actions newly on Resource "*", NotAction, and attached managed policies', () => {
    const risks = risksOf([
      change(
        'aws_iam_role_policy.fleet',
        'update',
        { policy: doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::models/*' }) },
        { policy: doc({ Effect: 'Allow', Action: ['s3:GetObject', 'ssm:GetParameter'], Resource: '*' }) },
      ),
      change('aws_iam_policy.broad', 'create', null, { policy: doc({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }) }),
      change('aws_iam_role_policy_attachment.admin', 'create', null, { policy_arn: 'arn:aws:iam::aws:policy/AdministratorAccess' }),
      change('aws_iam_role_policy.narrower', 'update', { policy: doc({ Effect: 'Allow', Action: ['a:B', 'a:C'], Resource: 'x' }) }, { policy: doc({ Effect: 'Allow', Action: 'a:B', Resource: 'x' }) }),
    ]);
    expect(reasons(risks)).toEqual([
      'iam-widening aws_iam_role_policy.fleet policy: allows new actions: ssm:getparameter',
      'iam-widening aws_iam_role_policy.fleet policy: allows on Resource "*": s3:getobject, ssm:getparameter',
      'iam-widening aws_iam_policy.broad policy: allows with NotAction or NotResource: everything not listed is granted',
      'iam-widening aws_iam_role_policy_attachment.admin policy_arn: attaches managed policy arn:aws:iam::aws:policy/AdministratorAccess',
    ]);
  });
});

describe('fleet capacity', () => {
  it('flags instance type and ASG size changes', () => {
    const risks = risksOf([
      change('aws_launch_template.fleet', 'update', { instance_type: 'g5.xlarge' }, { instance_type: 'g5.2xlarge' }),
      change('aws_autoscaling_group.stable', 'update', { min_size: 1, max_size: 4, desired_capacity: 2 }, { min_size: 1, max_size: 8, desired_capacity: 2 }),
    ]);
    expect(reasons(risks)).toEqual([
      'fleet-capacity aws_launch_template.fleet instance_type: instance_type: g5.xlarge → g5.2xlarge',
      'fleet-capacity aws_autoscaling_group.stable max_size: max_size: 4 → 8',
    ]);
  });
});

describe('listener routing', () => {
  const tg = (name: string) => `arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/${name}/abc`;
  const forward = (stable: number, canary: number) => ({
    default_action: [{ type: 'forward', forward: [{ target_group: [{ arn: tg('stable'), weight: stable }, { arn: tg('canary'), weight: canary }] }] }],
  });

  it('names weight changes by target group name, and other action changes by attribute', () => {
    const risks = risksOf([
      change('aws_lb_listener.http', 'update', forward(100, 0), forward(90, 10)),
      change('aws_lb_listener_rule.always', 'update', { action: [{ type: 'forward', target_group_arn: tg('canary') }] }, { action: [{ type: 'forward', target_group_arn: tg('stable') }] }),
    ]);
    expect(reasons(risks)).toEqual([
      'listener-routing aws_lb_listener.http default_action[0].forward[0].target_group: weights: canary 0 → 10, stable 100 → 90',
      `listener-routing aws_lb_listener_rule.always action[0]: changed target_group_arn: ${tg('canary')} → ${tg('stable')}`,
    ]);
  });

  it('flags a new rule on an existing listener, not on a listener created in the same plan', () => {
    const risks = risksOf([
      change('aws_lb_listener_rule.existing', 'create', null, { priority: 10, listener_arn: 'arn:l' }),
      change('aws_lb_listener_rule.fresh', 'create', null, { priority: 10 }, { afterUnknown: { listener_arn: true } }),
    ]);
    expect(reasons(risks)).toEqual(['listener-routing aws_lb_listener_rule.existing -: new rule (priority 10) on a listener that serves traffic']);
  });
});

describe('protection turned off', () => {
  it('flags deletion protection, encryption, IMDSv2 and versioning turned off, and protective resources deleted', () => {
    const risks = risksOf([
      change('aws_lb.main', 'update', { enable_deletion_protection: true, drop_invalid_header_fields: true }, { enable_deletion_protection: false, drop_invalid_header_fields: true }),
      change(
        'aws_launch_template.fleet',
        'update',
        { metadata_options: [{ http_tokens: 'required' }], block_device_mappings: [{ ebs: [{ encrypted: true }] }] },
        { metadata_options: [{ http_tokens: 'optional' }], block_device_mappings: [{ ebs: [{ encrypted: false }] }] },
      ),
      change('aws_s3_bucket_versioning.state', 'update', { versioning_configuration: [{ status: 'Enabled' }] }, { versioning_configuration: [{ status: 'Suspended' }] }),
      change('aws_s3_bucket_server_side_encryption_configuration.state', 'delete', {}, null),
    ]);
    expect(reasons(risks)).toEqual([
      'protection-off aws_lb.main enable_deletion_protection: enable_deletion_protection turned off (true → false)',
      'protection-off aws_launch_template.fleet block_device_mappings[0].ebs[0].encrypted: encrypted turned off (true → false)',
      'protection-off aws_launch_template.fleet metadata_options[0].http_tokens: http_tokens turned off (required → optional)',
      'protection-off aws_s3_bucket_versioning.state versioning_configuration[0].status: status turned off (Enabled → Suspended)',
      'protection-off aws_s3_bucket_server_side_encryption_configuration.state -: bucket encryption configuration removed',
    ]);
  });
});
