// The security posture of every environment's synthesized Terraform and of every state bucket, one test
// per checkov check it mirrors. Deliberate exceptions live in libs/environment-stack/src/security-exceptions.ts
// with their reasons; anything else fails. It lives in the bootstrap app because that is the one project
// that depends on every environment, so `nx affected` reruns it for any change to any of them.
import { Testing } from 'cdktf';
import {
  AWS_MANAGED_POLICY_ALLOW_LIST,
  EnvironmentStack,
  GITHUB_OIDC_HOST,
  githubEnvironmentOf,
  IAM_ACTIONS_ON_ANY_RESOURCE,
  SECURITY_EXCEPTIONS,
  SERVICE_PRINCIPALS_WITHOUT_SOURCE_CONDITIONS,
  StateBucketStack,
} from '@canaryfleet/environment-stack';
import { ENVIRONMENTS, loadEnvironmentConfig } from '@canaryfleet/tools';

type Resource = Record<string, unknown>;
/** `resources` and `data` by address `<type>.<name>`. */
type Stack = { name: string; resources: Map<string, Resource>; data: Map<string, Resource> };

// Environment files are loaded by path (loadEnvironmentConfig), as the bootstrap app's main.ts does: apps never import apps.
const configs = ENVIRONMENTS.map(loadEnvironmentConfig);

function blocks(section: Record<string, Record<string, Resource>> | undefined): Map<string, Resource> {
  const map = new Map<string, Resource>();
  for (const [type, byName] of Object.entries(section ?? {})) {
    for (const [name, body] of Object.entries(byName)) map.set(`${type}.${name}`, body);
  }
  return map;
}

function stackOf(name: string, synthesized: string): Stack {
  const json = JSON.parse(synthesized) as { resource?: Record<string, Record<string, Resource>>; data?: Record<string, Record<string, Resource>> };
  return { name, resources: blocks(json.resource), data: blocks(json.data) };
}

const environmentStacks: Stack[] = configs.map((config) => stackOf(config.name, Testing.synth(new EnvironmentStack(Testing.app(), config))));
const stateStacks: Stack[] = configs.map((config) => stackOf(`state-${config.name}`, Testing.synth(new StateBucketStack(Testing.app(), `state-${config.name}`, { config, localStatePath: 'x.tfstate' }))));
const allStacks = [...environmentStacks, ...stateStacks];

function ofType(stack: Stack, type: string): [string, Resource][] {
  return [...stack.resources].filter(([address]) => address.startsWith(`${type}.`));
}

/** `${aws_s3_bucket.x.id}` -> 'aws_s3_bucket.x' */
function referenced(value: unknown): string | undefined {
  return typeof value === 'string' ? /^\$\{([\w-]+\.[\w-]+)\.\w+\}$/.exec(value)?.[1] : undefined;
}

/** Findings `<stack>: <address>` of one check over the given stacks. */
function findings(stacks: readonly Stack[], offends: (stack: Stack, address: string, resource: Resource) => boolean, type: string): string[] {
  return stacks.flatMap((stack) => ofType(stack, type).filter(([address, resource]) => offends(stack, address, resource)).map(([address]) => `${stack.name}: ${address}`));
}

function declared(check: string): string[] {
  return SECURITY_EXCEPTIONS.filter((e) => e.check === check).flatMap((e) => e.stacks.map((stack) => `${stack}: ${e.address}`));
}

function expectOnlyDeclared(check: string, found: string[]): void {
  expect({ check, findings: [...found].sort() }).toEqual({ check, findings: declared(check).sort() });
}

const listeners = (stack: Stack) => ofType(stack, 'aws_lb_listener').map(([, r]) => r);
const isRedirectToHttps = (listener: Resource) =>
  (listener.default_action as Resource[]).some((a) => a.type === 'redirect' && (a.redirect as Resource).protocol === 'HTTPS');
const openIngress = (port: number) => (_: Stack, __: string, rule: Resource) =>
  (rule.cidr_ipv4 === '0.0.0.0/0' || rule.cidr_ipv6 === '::/0') && (rule.ip_protocol === '-1' || ((rule.from_port as number) <= port && port <= (rule.to_port as number)));

/** Buckets and the bucket each companion resource points at. */
function bucketsWith(stack: Stack, companionType: string, ok: (companion: Resource) => boolean): Set<string> {
  return new Set(ofType(stack, companionType).filter(([, r]) => ok(r)).map(([, r]) => referenced(r.bucket) ?? ''));
}

interface Statement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action?: string | string[];
  readonly NotAction?: unknown;
  readonly Resource?: string | string[];
  readonly NotResource?: unknown;
}
interface PolicyDocument {
  readonly stack: string;
  readonly address: string;
  readonly statements: readonly Statement[];
}

const list = (value: string | string[] | undefined) => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
/** Whether an IAM action pattern (`ssm:Get*`, `*`) grants `action`, case-insensitively as IAM compares. */
const grants = (pattern: string, action: string) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i').test(action);
/** Actions never allowed on "*": reading every parameter, every bucket, IAM itself, or everything. */
const NEVER_ON_ANY_RESOURCE = ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath', 'ssm:GetParameterHistory', 's3:*', 'iam:*', '*'];
const forbiddenOnAnyResource = (pattern: string) => NEVER_ON_ANY_RESOURCE.some((action) => grants(pattern, action) || (action.endsWith(':*') && pattern.toLowerCase().startsWith(action.slice(0, -1).toLowerCase())));

/** Every inline and customer managed policy of a stack, parsed: a policy that is not a JSON document fails. */
function policyDocuments(stack: Stack): PolicyDocument[] {
  const documents: [string, unknown][] = [
    ...['aws_iam_role_policy', 'aws_iam_policy', 'aws_iam_user_policy', 'aws_iam_group_policy'].flatMap((type) => ofType(stack, type).map(([address, r]): [string, unknown] => [address, r.policy])),
    ...ofType(stack, 'aws_iam_role').flatMap(([address, r]) => ((r.inline_policy as Resource[] | undefined) ?? []).map((inline): [string, unknown] => [address, inline.policy])),
  ];
  return documents.map(([address, text]) => {
    const statement = (JSON.parse(String(text)) as { Statement: Statement | Statement[] }).Statement;
    return { stack: stack.name, address, statements: Array.isArray(statement) ? statement : [statement] };
  });
}

/** The IAM posture findings of some policies: `<stack>: <address> <Sid>: <what>`. */
function iamFindings(documents: readonly PolicyDocument[]): string[] {
  return documents.flatMap(({ stack, address, statements }) =>
    statements
      .filter((statement) => statement.Effect === 'Allow')
      .flatMap((statement) => {
        const where = `${stack}: ${address} ${statement.Sid ?? '(no Sid)'}`;
        if (statement.NotAction !== undefined || statement.NotResource !== undefined) return [`${where}: NotAction/NotResource grants everything not listed`];
        const onAnyResource = list(statement.Resource).includes('*');
        const parameterWildcard = list(statement.Resource).some((resource) => resource.includes(':parameter') && resource.includes('*'));
        return list(statement.Action).flatMap((action) => {
          if ((onAnyResource || parameterWildcard) && forbiddenOnAnyResource(action)) return [`${where}: ${action} on ${list(statement.Resource).join(', ')}`];
          if (onAnyResource && !IAM_ACTIONS_ON_ANY_RESOURCE.some((e) => e.action === action && e.stacks.includes(stack))) return [`${where}: ${action} on "*" is not a declared exception`];
          return [];
        });
      }),
  );
}

describe('security posture of every environment (checkov checks mirrored)', () => {
  it('synthesizes every environment and its state bucket', () => {
    expect(environmentStacks.map((s) => s.name)).toEqual([...ENVIRONMENTS]);
    for (const stack of allStacks) expect(stack.resources.size).toBeGreaterThan(0);
  });

  it('CKV_AWS_2: listeners use HTTPS or redirect to it', () => {
    expectOnlyDeclared('CKV_AWS_2', findings(environmentStacks, (_, __, r) => r.protocol !== 'HTTPS' && !isRedirectToHttps(r), 'aws_lb_listener'));
  });

  it('CKV_AWS_103: HTTPS listeners allow TLS 1.2 or newer only', () => {
    expectOnlyDeclared('CKV_AWS_103', findings(environmentStacks, (_, __, r) => r.protocol === 'HTTPS' && !/TLS13|TLS-1-2/.test(String(r.ssl_policy)), 'aws_lb_listener'));
  });

  it('CKV_AWS_91: load balancers write access logs', () => {
    expectOnlyDeclared('CKV_AWS_91', findings(environmentStacks, (_, __, r) => (r.access_logs as Resource | undefined)?.enabled !== true, 'aws_lb'));
  });

  it('CKV_AWS_131: load balancers drop invalid header fields', () => {
    expectOnlyDeclared('CKV_AWS_131', findings(environmentStacks, (_, __, r) => r.drop_invalid_header_fields !== true, 'aws_lb'));
  });

  it('CKV_AWS_150: load balancers have deletion protection', () => {
    expectOnlyDeclared('CKV_AWS_150', findings(environmentStacks, (_, __, r) => r.enable_deletion_protection !== true, 'aws_lb'));
  });

  it('CKV_AWS_79: launch templates require IMDSv2', () => {
    expectOnlyDeclared('CKV_AWS_79', findings(environmentStacks, (_, __, r) => (r.metadata_options as Resource | undefined)?.http_tokens !== 'required', 'aws_launch_template'));
  });

  it('CKV_AWS_341: launch templates keep the IMDS hop limit at 1', () => {
    expectOnlyDeclared('CKV_AWS_341', findings(environmentStacks, (_, __, r) => ((r.metadata_options as Resource | undefined)?.http_put_response_hop_limit ?? 1) !== 1, 'aws_launch_template'));
  });

  it('CKV_AWS_88: instances get no public IP', () => {
    expectOnlyDeclared('CKV_AWS_88', findings(environmentStacks, (_, __, r) => ((r.network_interfaces as Resource[] | undefined) ?? [{}]).some((n) => n.associate_public_ip_address !== 'false'), 'aws_launch_template'));
  });

  it('CKV_AWS_153: Auto Scaling groups propagate their tags to instances', () => {
    expectOnlyDeclared('CKV_AWS_153', findings(environmentStacks, (_, __, r) => !((r.tag as Resource[] | undefined) ?? []).length || (r.tag as Resource[]).some((t) => t.propagate_at_launch !== true), 'aws_autoscaling_group'));
  });

  it('CKV_AWS_23: every security group and rule has a description', () => {
    const missing = [
      ...findings(environmentStacks, (_, __, r) => !r.description, 'aws_security_group'),
      ...findings(environmentStacks, (_, __, r) => !r.description, 'aws_vpc_security_group_ingress_rule'),
      ...findings(environmentStacks, (_, __, r) => !r.description, 'aws_vpc_security_group_egress_rule'),
    ];
    expectOnlyDeclared('CKV_AWS_23', missing);
  });

  it('CKV_AWS_24: no ingress from anywhere to port 22', () => {
    expectOnlyDeclared('CKV_AWS_24', findings(environmentStacks, openIngress(22), 'aws_vpc_security_group_ingress_rule'));
  });

  it('CKV_AWS_25: no ingress from anywhere to port 3389', () => {
    expectOnlyDeclared('CKV_AWS_25', findings(environmentStacks, openIngress(3389), 'aws_vpc_security_group_ingress_rule'));
  });

  it('CKV_AWS_260: no ingress from anywhere to port 80', () => {
    expectOnlyDeclared('CKV_AWS_260', findings(environmentStacks, openIngress(80), 'aws_vpc_security_group_ingress_rule'));
  });

  it('CKV_AWS_130: subnets do not assign public IPs', () => {
    expectOnlyDeclared('CKV_AWS_130', findings(environmentStacks, (_, __, r) => r.map_public_ip_on_launch !== false, 'aws_subnet'));
  });

  it('CKV2_AWS_5: every security group is attached to a resource', () => {
    const attached = (stack: Stack, address: string) =>
      [...stack.resources].some(([other, body]) => !other.includes('security_group') && JSON.stringify(body).includes(`\${${address}.id}`));
    expectOnlyDeclared('CKV2_AWS_5', findings(environmentStacks, (stack, address) => !attached(stack, address), 'aws_security_group'));
  });

  it('CKV2_AWS_11: VPCs have flow logs', () => {
    expectOnlyDeclared('CKV2_AWS_11', findings(environmentStacks, (stack, address) => !ofType(stack, 'aws_flow_log').some(([, f]) => f.vpc_id === `\${${address}.id}`), 'aws_vpc'));
  });

  it('CKV2_AWS_12: the default security group allows nothing', () => {
    const missing = environmentStacks.filter((s) => ofType(s, 'aws_default_security_group').length === 0).map((s) => `${s.name}: aws_default_security_group (missing)`);
    const open = findings(environmentStacks, (_, __, r) => r.ingress !== undefined || r.egress !== undefined, 'aws_default_security_group');
    expectOnlyDeclared('CKV2_AWS_12', [...missing, ...open]);
  });

  it('CKV2_AWS_15: Auto Scaling groups behind a load balancer use ELB health checks', () => {
    expectOnlyDeclared('CKV2_AWS_15', findings(environmentStacks, (_, __, r) => r.target_group_arns !== undefined && r.health_check_type !== 'ELB', 'aws_autoscaling_group'));
  });

  it('CKV2_AWS_20: load balancers redirect HTTP to HTTPS', () => {
    const redirects = (stack: Stack) => listeners(stack).some(isRedirectToHttps);
    expectOnlyDeclared('CKV2_AWS_20', findings(environmentStacks, (stack) => !redirects(stack), 'aws_lb'));
  });

  it('CKV2_AWS_28: public load balancers are protected by a WAF', () => {
    const protectedBy = (stack: Stack, address: string) => ofType(stack, 'aws_wafv2_web_acl_association').some(([, a]) => a.resource_arn === `\${${address}.arn}`);
    expectOnlyDeclared('CKV2_AWS_28', findings(environmentStacks, (stack, address, r) => r.internal !== true && !protectedBy(stack, address), 'aws_lb'));
  });

  it('CKV_AWS_21: buckets are versioned', () => {
    expectOnlyDeclared('CKV_AWS_21', findings(allStacks, (stack, address) => !bucketsWith(stack, 'aws_s3_bucket_versioning', (v) => (v.versioning_configuration as Resource).status === 'Enabled').has(address), 'aws_s3_bucket'));
  });

  it('CKV_AWS_145: buckets are encrypted with KMS', () => {
    const kms = (e: Resource) => (e.rule as Resource[]).every((rule) => (rule.apply_server_side_encryption_by_default as Resource).sse_algorithm === 'aws:kms');
    expectOnlyDeclared('CKV_AWS_145', findings(allStacks, (stack, address) => !bucketsWith(stack, 'aws_s3_bucket_server_side_encryption_configuration', kms).has(address), 'aws_s3_bucket'));
  });

  it('CKV_AWS_18: buckets have server access logging', () => {
    expectOnlyDeclared('CKV_AWS_18', findings(allStacks, (stack, address) => !bucketsWith(stack, 'aws_s3_bucket_logging', () => true).has(address), 'aws_s3_bucket'));
  });

  it('CKV2_AWS_6 (the issue\'s "6"): buckets block public access', () => {
    const blocked = (b: Resource) => b.block_public_acls === true && b.block_public_policy === true && b.ignore_public_acls === true && b.restrict_public_buckets === true;
    expectOnlyDeclared('CKV2_AWS_6', findings(allStacks, (stack, address) => !bucketsWith(stack, 'aws_s3_bucket_public_access_block', blocked).has(address), 'aws_s3_bucket'));
  });

  it('CKV_AWS_28: DynamoDB tables have point-in-time recovery', () => {
    expectOnlyDeclared('CKV_AWS_28', findings(environmentStacks, (_, __, r) => (r.point_in_time_recovery as Resource | undefined)?.enabled !== true, 'aws_dynamodb_table'));
  });

  it('CKV_AWS_119: DynamoDB tables are encrypted with a customer managed KMS key', () => {
    const cmk = (r: Resource) => (r.server_side_encryption as Resource | undefined)?.enabled === true && /^\$\{aws_kms_key\.[\w-]+\.arn\}$/.test(String((r.server_side_encryption as Resource).kms_key_arn));
    expectOnlyDeclared('CKV_AWS_119', findings(environmentStacks, (_, __, r) => !cmk(r), 'aws_dynamodb_table'));
  });

  it('DynamoDB tables refuse deletion', () => {
    expectOnlyDeclared('dynamodb-deletion-protection', findings(environmentStacks, (_, __, r) => r.deletion_protection_enabled !== true, 'aws_dynamodb_table'));
  });

  it('the traffic-state parameter refuses any plan that destroys it (its history goes with it)', () => {
    expectOnlyDeclared('traffic-state-prevent-destroy', findings(environmentStacks, (_, address, r) => address === 'aws_ssm_parameter.traffic_state' && (r.lifecycle as Resource | undefined)?.prevent_destroy !== true, 'aws_ssm_parameter'));
  });

  describe('IAM: least privilege in every inline and customer managed policy', () => {
    const documents = allStacks.flatMap(policyDocuments);

    it('reads every policy: the fleets\', the flow logs\' and the operator\'s, in every environment', () => {
      for (const stack of environmentStacks) {
        const sids = documents.filter((d) => d.stack === stack.name).flatMap((d) => d.statements.map((s) => s.Sid));
        expect(sids).toEqual(expect.arrayContaining(['ReadTrafficState', 'PublishFleetMetrics', 'TrafficStateAndFleetAmis', 'LeaseAndJournal']));
      }
    });

    it('allows no ssm:GetParameter*, s3:*, iam:* or * on "*", and on "*" only the declared actions', () => {
      expect(iamFindings(documents)).toEqual([]);
    });

    it('would catch each kind of violation', () => {
      const probe = (statement: Statement) => iamFindings([{ stack: 'dev', address: 'aws_iam_policy.probe', statements: [{ Sid: 'Probe', ...statement }] }]);
      expect(probe({ Effect: 'Allow', Action: 'ssm:GetParameter*', Resource: '*' })).toEqual(['dev: aws_iam_policy.probe Probe: ssm:GetParameter* on *']);
      expect(probe({ Effect: 'Allow', Action: 'ssm:Get*', Resource: 'arn:aws:ssm:us-east-1:1:parameter/*' })).toEqual(['dev: aws_iam_policy.probe Probe: ssm:Get* on arn:aws:ssm:us-east-1:1:parameter/*']);
      expect(probe({ Effect: 'Allow', Action: ['s3:GetObject', 'iam:PassRole', '*'], Resource: '*' })).toHaveLength(3);
      expect(probe({ Effect: 'Allow', Action: 'ec2:RunInstances', Resource: '*' })).toEqual(['dev: aws_iam_policy.probe Probe: ec2:RunInstances on "*" is not a declared exception']);
      expect(probe({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' })).toHaveLength(1);
      expect(probe({ Effect: 'Allow', Action: 'ssm:GetParameter', Resource: 'arn:aws:ssm:us-east-1:1:parameter/canaryfleet/dev/traffic-state' })).toEqual([]);
    });

    it('uses every declared action exception in the environments it names', () => {
      const used = (exception: (typeof IAM_ACTIONS_ON_ANY_RESOURCE)[number], stack: string) =>
        documents.some((d) => d.stack === stack && d.statements.some((s) => s.Effect === 'Allow' && list(s.Resource).includes('*') && list(s.Action).includes(exception.action)));
      for (const exception of IAM_ACTIONS_ON_ANY_RESOURCE) {
        expect(exception.reason.length).toBeGreaterThan(40);
        for (const stack of exception.stacks) expect({ action: exception.action, stack, used: used(exception, stack) }).toEqual({ action: exception.action, stack, used: true });
      }
    });

    it('attaches AWS managed policies only from the allow-list, each with its reason', () => {
      const attached = environmentStacks.flatMap((stack) => [
        ...['aws_iam_role_policy_attachment', 'aws_iam_policy_attachment'].flatMap((type) => ofType(stack, type).map(([address, r]) => ({ stack: stack.name, address, arn: String(r.policy_arn) }))),
        ...ofType(stack, 'aws_iam_role').flatMap(([address, r]) => ((r.managed_policy_arns as string[] | undefined) ?? []).map((arn) => ({ stack: stack.name, address, arn }))),
      ]);
      const awsManaged = attached.filter((a) => a.arn.startsWith('arn:aws:iam::aws:policy/'));
      expect(awsManaged.filter((a) => !AWS_MANAGED_POLICY_ALLOW_LIST.some((allowed) => allowed.arn === a.arn && allowed.stacks.includes(a.stack)))).toEqual([]);
      for (const allowed of AWS_MANAGED_POLICY_ALLOW_LIST) {
        expect(allowed.reason.length).toBeGreaterThan(40);
        expect(awsManaged.some((a) => a.arn === allowed.arn)).toBe(true);
      }
    });
  });

  describe('trust: confused-deputy guards and the workflows\' OIDC roles', () => {
    interface TrustStatement {
      readonly stack: string;
      readonly where: string;
      readonly services: readonly string[];
      readonly conditionKeys: readonly string[];
    }
    const serviceList = (principal: unknown): string[] => {
      const service = (principal as { Service?: string | string[] } | undefined)?.Service;
      return service === undefined ? [] : Array.isArray(service) ? service : [service];
    };
    const keysOf = (condition: unknown) => Object.values((condition ?? {}) as Record<string, Record<string, unknown>>).flatMap((byKey) => Object.keys(byKey));
    /** Every statement that grants a service principal: role trusts, KMS key policies, bucket policy documents. */
    const serviceStatements = (stack: Stack): TrustStatement[] => [
      ...[...ofType(stack, 'aws_iam_role').map(([address, r]) => [address, r.assume_role_policy] as const), ...ofType(stack, 'aws_kms_key').map(([address, r]) => [address, r.policy] as const)].flatMap(([address, text]) =>
        (JSON.parse(String(text)) as { Statement: { Sid?: string; Principal?: unknown; Condition?: unknown }[] }).Statement.map((statement) => ({
          stack: stack.name,
          where: `${address} ${statement.Sid ?? ''}`.trim(),
          services: serviceList(statement.Principal),
          conditionKeys: keysOf(statement.Condition),
        })),
      ),
      ...[...stack.data].filter(([address]) => address.startsWith('aws_iam_policy_document.')).flatMap(([address, body]) =>
        ((body.statement as Resource[] | undefined) ?? []).map((statement) => ({
          stack: stack.name,
          where: `${address} ${String(statement.sid ?? '')}`.trim(),
          services: ((statement.principals as { type: string; identifiers: string[] }[] | undefined) ?? []).filter((p) => p.type === 'Service').flatMap((p) => p.identifiers),
          conditionKeys: ((statement.condition as { variable: string }[] | undefined) ?? []).map((c) => c.variable),
        })),
      ),
    ];
    const statements = allStacks.flatMap(serviceStatements).filter((statement) => statement.services.length > 0);

    it('reads the trusts and key and bucket policies of every service principal: flow logs, CloudWatch, S3 and ELB log delivery, EC2', () => {
      expect([...new Set(statements.flatMap((s) => s.services))].sort()).toEqual(['cloudwatch.amazonaws.com', 'ec2.amazonaws.com', 'logdelivery.elasticloadbalancing.amazonaws.com', 'logging.s3.amazonaws.com', 'vpc-flow-logs.amazonaws.com']);
    });

    const exempt = (statement: TrustStatement) => statement.services.every((service) => SERVICE_PRINCIPALS_WITHOUT_SOURCE_CONDITIONS.some((e) => e.service === service && e.stacks.includes(statement.stack)));
    /** `<stack>: <where> (<services>)` of every statement without both source keys that no exception covers. */
    const unguarded = (found: readonly TrustStatement[]) =>
      found
        .filter((statement) => !exempt(statement))
        .filter((statement) => !(statement.conditionKeys.includes('aws:SourceAccount') && statement.conditionKeys.includes('aws:SourceArn')))
        .map((statement) => `${statement.stack}: ${statement.where} (${statement.services.join(', ')})`);

    it('guards every service principal with aws:SourceAccount and aws:SourceArn, but the declared exceptions', () => {
      expect(unguarded(statements)).toEqual([]);
      for (const exception of SERVICE_PRINCIPALS_WITHOUT_SOURCE_CONDITIONS) {
        expect(exception.reason.length).toBeGreaterThan(40);
        for (const stack of exception.stacks) expect({ exception: exception.service, stack, used: statements.some((s) => s.stack === stack && s.services.includes(exception.service)) }).toEqual({ exception: exception.service, stack, used: true });
      }
    });

    it('would catch a service principal without its guard', () => {
      const probe = (services: string[], conditionKeys: string[]) => unguarded([{ stack: 'dev', where: 'probe', services, conditionKeys }]);
      expect(probe(['vpc-flow-logs.amazonaws.com'], ['aws:SourceAccount'])).toEqual(['dev: probe (vpc-flow-logs.amazonaws.com)']);
      expect(probe(['cloudwatch.amazonaws.com'], [])).toHaveLength(1);
      expect(probe(['cloudwatch.amazonaws.com'], ['aws:SourceAccount', 'aws:SourceArn'])).toEqual([]);
      expect(probe(['ec2.amazonaws.com'], [])).toEqual([]);
    });

    it('gives every environment GitHub deploys a plan, a deploy and an operator role, each trusting only its repository and GitHub environment with audience sts.amazonaws.com', () => {
      const deployed = configs.filter((config) => config.github !== undefined);
      expect(deployed.map((config) => config.name)).toEqual(['dev', 'staging', 'prod']);
      for (const config of configs) {
        const stack = stateStacks.find((s) => s.name === `state-${config.name}`) as Stack;
        const federated = ofType(stack, 'aws_iam_role').sort(([a], [b]) => a.localeCompare(b)).map(([address, r]) => ({ address, name: r.name, trust: JSON.parse(String(r.assume_role_policy)) as { Statement: Resource[] } }));
        const expected = config.github
          ? (['deploy', 'operator', 'plan'] as const).map((kind) => ({
              address: `aws_iam_role.github_${kind}_role`,
              name: `canaryfleet-github-${config.name}-${kind}`,
              trust: {
                Version: '2012-10-17',
                Statement: [
                  {
                    Effect: 'Allow',
                    Principal: { Federated: `arn:aws:iam::${config.account}:oidc-provider/${GITHUB_OIDC_HOST}` },
                    Action: 'sts:AssumeRoleWithWebIdentity',
                    Condition: {
                      StringEquals: {
                        [`${GITHUB_OIDC_HOST}:aud`]: 'sts.amazonaws.com',
                        [`${GITHUB_OIDC_HOST}:sub`]: `repo:${config.github?.repository}:environment:${githubEnvironmentOf(config.name, kind)}`,
                      },
                    },
                  },
                ],
              },
            }))
          : [];
        expect({ stack: stack.name, roles: federated }).toEqual({ stack: stack.name, roles: expected });
      }
    });

    it('trusts no federated principal without an exact subject: no StringLike, no wildcard in sub', () => {
      const federatedStatements = allStacks.flatMap((stack) =>
        ofType(stack, 'aws_iam_role').flatMap(([address, r]) => (JSON.parse(String(r.assume_role_policy)) as { Statement: Resource[] }).Statement.filter((s) => (s.Principal as Resource).Federated !== undefined).map((s) => ({ address, s }))),
      );
      expect(federatedStatements.length).toBe(9);
      for (const { address, s } of federatedStatements) {
        const condition = s.Condition as Record<string, Record<string, string>>;
        expect({ address, operators: Object.keys(condition) }).toEqual({ address, operators: ['StringEquals'] });
        expect(condition.StringEquals[`${GITHUB_OIDC_HOST}:sub`]).not.toMatch(/[*?]/);
      }
    });
  });

  it('declares every exception with a reason, for a known stack', () => {
    const stacks = new Set(allStacks.map((s) => s.name));
    for (const exception of SECURITY_EXCEPTIONS) {
      expect(exception.reason.length).toBeGreaterThan(20);
      for (const stack of exception.stacks) expect(stacks).toContain(stack);
    }
  });
});
