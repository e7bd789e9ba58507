import { assertDistinctNetworks, ConfigError, defineEnvironment, type EnvironmentInput } from '../src';
import { validEnvironment, validProduction } from './valid-environment';

type Patch = (env: EnvironmentInput) => void;

function errorFor(patch: Patch, base: () => EnvironmentInput = validEnvironment): string {
  const env = base();
  patch(env);
  try {
    defineEnvironment(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected the config to be rejected');
}

describe('defineEnvironment', () => {
  test('accepts a valid environment and fills every default', () => {
    const config = defineEnvironment(validEnvironment());
    expect(config.network).toEqual({ vpcCidr: '10.10.0.0/16', availabilityZones: { 'us-east-1a': 0, 'us-east-1b': 1 }, natGateways: 'single', reservedCidrs: [], flowLogRetentionDays: 365, interfaceEndpoints: false });
    expect(config.routing).toMatchObject({
      idleTimeoutSeconds: 120,
      deletionProtection: true,
      stickinessSeconds: 300,
      slowStartSeconds: 60,
      deregistrationDelaySeconds: 300,
      loadBalancingAlgorithm: 'least_outstanding_requests',
      headerOverride: { header: 'X-Canary', canaryValue: 'always', stableValue: 'never', canaryPriority: 10, stablePriority: 20, sourceCidrs: [] },
    });
    expect(config.server).toMatchObject({ port: 8080, pinnedPort: 8081, slowRequestSeconds: 5 });
    expect(config.localAws).toBe(false);
    expect(config.fleet).toMatchObject({ rootVolumeGiB: 100, warmUpTimeoutSeconds: 1800 });
  });

  test('turns the interface endpoints on in production unless the config says otherwise', () => {
    expect(defineEnvironment(validProduction()).network.interfaceEndpoints).toBe(true);
    const without = validProduction();
    without.network.interfaceEndpoints = false;
    expect(defineEnvironment(without).network.interfaceEndpoints).toBe(false);
    const dev = validEnvironment();
    dev.network.interfaceEndpoints = true;
    expect(defineEnvironment(dev).network.interfaceEndpoints).toBe(true);
  });

  test('gives both fleets one instance type: a list of types is refused', () => {
    expect(defineEnvironment(validEnvironment()).fleet.instanceType).toBe('c7i.xlarge');
    const listed = errorFor((env) => Object.assign(env.fleet, { instanceType: undefined, instanceTypes: ['g6.2xlarge', 'g6e.xlarge'] }));
    expect(listed).toContain('  - fleet.instanceType = missing: must be an EC2 instance type like g6.xlarge');
    expect(listed).toContain('  - fleet.instanceTypes: unknown field(s)');
  });

  test('accepts header-override networks in IPv4 and IPv6, and an explicit pinned port', () => {
    const env = validEnvironment();
    env.routing.headerOverride = { sourceCidrs: ['127.0.0.0/8', '2001:db8::/32'] };
    env.server.pinnedPort = 9090;
    const config = defineEnvironment(env);
    expect(config.routing.headerOverride.sourceCidrs).toEqual(['127.0.0.0/8', '2001:db8::/32']);
    expect(config.server.pinnedPort).toBe(9090);
  });

  test('accepts a valid production environment', () => {
    expect(defineEnvironment(validProduction()).tier).toBe('production');
  });

  test('the message names the environment, the field, the value and what is allowed', () => {
    expect(errorFor((env) => (env.fleet.minCapacity = 0))).toBe('Invalid configuration for environment "dev":\n  - fleet.minCapacity = 0: must be an integer from 1 to 1000');
  });

  test('reports every problem at once', () => {
    const message = errorFor((env) => {
      env.network.availabilityZones = { 'us-east-1a': 0 };
      env.server.port = 80;
    });
    expect(message).toContain('network.availabilityZones = {"us-east-1a":0}: must name 2 to 4 zones');
    expect(message).toContain('server.port = 80: must be an integer from 1024 to 65535 (unprivileged ports only)');
  });

  const rules: Array<[string, Patch, string]> = [
    ['environment name', (e) => (e.name = 'Dev_1'), 'name = "Dev_1": must be 2-16 lowercase letters, digits or -, starting with a letter'],
    ['tier', (e) => ((e as { tier: string }).tier = 'prod'), 'tier = "prod": must be \'production\' or \'non-production\''],
    ['region', (e) => (e.region = 'useast1'), 'region = "useast1": must be an AWS region like us-east-1'],
    ['account', (e) => (e.account = '1234'), 'account = "1234": must be a 12-digit AWS account id'],
    ['VPC CIDR syntax', (e) => (e.network.vpcCidr = '10.0.0.1/16'), 'network.vpcCidr = "10.0.0.1/16": must be an IPv4 CIDR block like 10.20.0.0/16 (network address, no host bits)'],
    ['VPC CIDR size', (e) => (e.network.vpcCidr = '10.0.0.0/8'), 'network.vpcCidr = "10.0.0.0/8": must have a prefix length from /16 to /24'],
    ['fewer than 2 zones', (e) => (e.network.availabilityZones = { 'us-east-1a': 0 }), 'network.availabilityZones = {"us-east-1a":0}: must name 2 to 4 zones (an ALB needs subnets in at least 2), 1 given'],
    ['a zone name', (e) => (e.network.availabilityZones = { 'us-east-1a': 0, 'use1-az2': 1 }), 'network.availabilityZones.use1-az2 = 1: must map availability zone names (not zone ids) to subnet slots, like { "us-east-1a": 0, "us-east-1b": 1 }'],
    ['a zone of another region', (e) => (e.network.availabilityZones = { 'us-east-1a': 0, 'us-west-2b': 1 }), 'network.availabilityZones.us-west-2b = 1: must be a zone of region us-east-1'],
    ['a subnet slot beyond 3', (e) => (e.network.availabilityZones = { 'us-east-1a': 0, 'us-east-1b': 4 }), 'network.availabilityZones.us-east-1b = 4: must be an integer from 0 to 3 (the subnet slot: a VPC holds 4 public and 4 private subnet blocks)'],
    ['two zones in one slot', (e) => (e.network.availabilityZones = { 'us-east-1a': 1, 'us-east-1b': 1 }), 'network.availabilityZones.us-east-1b = 1: must not share subnet slot 1 with us-east-1a: a slot is one pair of CIDR blocks'],
    ['interface endpoints flag', (e) => ((e.network as Record<string, unknown>).interfaceEndpoints = 'yes'), 'network.interfaceEndpoints = "yes": must be true or false'],
    ['NAT mode', (e) => ((e.network as { natGateways: string }).natGateways = 'none'), 'network.natGateways = "none": must be \'single\' or \'per-az\''],
    ['overlapping CIDRs', (e) => (e.network.reservedCidrs = ['10.10.128.0/17']), 'network.reservedCidrs.0 = "10.10.128.0/17": must not overlap network.vpcCidr (10.10.0.0/16)'],
    ['flow log retention', (e) => ((e.network as { flowLogRetentionDays: number }).flowLogRetentionDays = 10), 'network.flowLogRetentionDays = 10: must be a CloudWatch Logs retention'],
    ['instance type syntax', (e) => (e.fleet.instanceType = 'g6 xlarge'), 'fleet.instanceType = "g6 xlarge": must be an EC2 instance type like g6.xlarge'],
    ['warm-up shorter than a model load', (e) => (e.fleet.warmUpTimeoutSeconds = 60), 'fleet.warmUpTimeoutSeconds = 60: must be an integer from 300 to 7200 seconds (the lifecycle hook heartbeat range)'],
    ['warm-up beyond the lifecycle hook heartbeat', (e) => (e.fleet.warmUpTimeoutSeconds = 7201), 'fleet.warmUpTimeoutSeconds = 7201: must be an integer from 300 to 7200 seconds'],
    ['GitHub repository', (e) => Object.assign(e, { account: '111111111111', github: { repository: 'canaryfleet' } }), 'github.repository = "canaryfleet": must be a GitHub repository like example-org/canaryfleet'],
    ['GitHub roles without an account', (e) => (e.github = { repository: 'example-org/canaryfleet' }), "account = missing: is required with github: the workflows' roles trust a provider and attach policies by their ARNs in this account"],
    ['min above max', (e) => Object.assign(e.fleet, { minCapacity: 3, maxCapacity: 2, initialCapacity: 2 }), 'fleet.minCapacity = 3: must be <= fleet.maxCapacity (2)'],
    ['initial outside min..max', (e) => (e.fleet.initialCapacity = 5), 'fleet.initialCapacity = 5: must be from fleet.minCapacity (1) to fleet.maxCapacity (2)'],
    ['root volume', (e) => (e.fleet.rootVolumeGiB = 8), 'fleet.rootVolumeGiB = 8: must be an integer from 20 to 16384'],
    ['grace period', (e) => (e.fleet.healthCheckGracePeriodSeconds = 30), 'fleet.healthCheckGracePeriodSeconds = 30: must be an integer from 60 to 7200'],
    ['AMI parameter', (e) => (e.fleet.amiParameter = '/my/ami'), 'fleet.amiParameter = "/my/ami": must be a public SSM parameter path under /aws/service/'],
    ['image without tag', (e) => (e.server.image = 'llm-server'), 'server.image = "llm-server": must be a container image reference with a tag or digest'],
    ['privileged port', (e) => (e.server.port = 80), 'server.port = 80: must be an integer from 1024 to 65535 (unprivileged ports only)'],
    ['health path', (e) => (e.server.healthPath = 'health'), 'server.healthPath = "health": must be a URL path starting with \'/\''],
    ['model artifact location', (e) => (e.server.modelArtifactUri = 's3://bucket/models'), 'server.modelArtifactUri = "s3://bucket/models": must be an S3 prefix like s3://bucket/models/ (ending in \'/\')'],
    ['model version', (e) => (e.server.initialModelVersion = ''), 'server.initialModelVersion = "": must be 1-64 characters of letters, digits, ., _ or -'],
    ['hop limit 2 without a reason', (e) => (e.server.imdsHopLimit2Reason = 'docker'), 'server.imdsHopLimit2Reason = "docker": must explain in at least 10 characters why the container needs hop limit 2'],
    ['certificate ARN', (e) => (e.routing.certificateArn = 'arn:aws:iam::1:cert'), 'routing.certificateArn = "arn:aws:iam::1:cert": must be an ACM certificate ARN'],
    ['plain HTTP without a reason', (e) => delete e.routing.plainHttpReason, 'routing.plainHttpReason = missing: is required when routing.certificateArn is null'],
    ['idle timeout', (e) => (e.routing.idleTimeoutSeconds = 0), 'routing.idleTimeoutSeconds = 0: must be an integer from 1 to 4000'],
    ['stickiness off', (e) => (e.routing.stickinessSeconds = 0), 'routing.stickinessSeconds = 0: must be an integer from 1 to 900 seconds (longer holds clients across rollout steps)'],
    ['stickiness above the largest allowed', (e) => (e.routing.stickinessSeconds = 3600), 'routing.stickinessSeconds = 3600: must be an integer from 1 to 900 seconds (longer holds clients across rollout steps)'],
    ['slow start out of range', (e) => (e.routing.slowStartSeconds = 10), 'routing.slowStartSeconds = 10: must be 0 (off) or from 30 to 900 seconds'],
    ['slow start above 900', (e) => (e.routing.slowStartSeconds = 901), 'routing.slowStartSeconds = 901: must be an integer from 0 to 900'],
    ['deregistration delay', (e) => (e.routing.deregistrationDelaySeconds = 4000), 'routing.deregistrationDelaySeconds = 4000: must be an integer from 0 to 3600'],
    ['traffic weights in config', (e) => ((e.routing as Record<string, unknown>).initialWeights = { stable: 90, canary: 10 }), 'routing.initialWeights: unknown field(s)'],
    ['header override open to the internet', (e) => (e.routing.headerOverride = { sourceCidrs: ['0.0.0.0/0'] }), 'routing.headerOverride.sourceCidrs.0 = "0.0.0.0/0": must not be the whole internet: anyone on the internet could pin themselves to an unvetted canary and push load onto its small fleet; list the networks of the people who test canaries'],
    ['header override open to the IPv6 internet', (e) => (e.routing.headerOverride = { sourceCidrs: ['203.0.113.0/24', '::/0'] }), 'routing.headerOverride.sourceCidrs.1 = "::/0": must not be the whole internet'],
    ['header override CIDR with host bits', (e) => (e.routing.headerOverride = { sourceCidrs: ['203.0.113.7/24'] }), 'routing.headerOverride.sourceCidrs.0 = "203.0.113.7/24": must be a CIDR block like 203.0.113.0/24 or 2001:db8::/32 (the network address, without host bits)'],
    ['header override IPv6 CIDR with host bits', (e) => (e.routing.headerOverride = { sourceCidrs: ['2001:db8::1/32'] }), 'routing.headerOverride.sourceCidrs.0 = "2001:db8::1/32": must be a CIDR block like 203.0.113.0/24 or 2001:db8::/32 (the network address, without host bits)'],
    ['VPC CIDR with leading zeros', (e) => (e.network.vpcCidr = '10.010.0.0/16'), 'network.vpcCidr = "10.010.0.0/16": must be an IPv4 CIDR block like 10.20.0.0/16 (network address, no host bits)'],
    ['header override CIDRs beyond the rule limit', (e) => (e.routing.headerOverride = { sourceCidrs: ['10.1.0.0/16', '10.2.0.0/16', '10.3.0.0/16', '10.4.0.0/16', '10.5.0.0/16'] }), 'routing.headerOverride.sourceCidrs = ["10.1.0.0/16","10.2.0.0/16","10.3.0.0/16","10.4.0.0/16","10.5.0.0/16"]: must list at most 4 CIDR blocks: an ALB rule takes 5 condition values, and the header value is one'],
    ['header override CIDR twice', (e) => (e.routing.headerOverride = { sourceCidrs: ['10.1.0.0/16', '10.1.0.0/16'] }), 'routing.headerOverride.sourceCidrs.1 = "10.1.0.0/16": must not list a block twice'],
    ['pinned port equal to the server port', (e) => (e.server.pinnedPort = 8080), 'server.pinnedPort = 8080: must differ from server.port (8080): the server tells weighted from pinned requests by the port they arrive on'],
    ['pinned port privileged', (e) => (e.server.pinnedPort = 443), 'server.pinnedPort = 443: must be an integer from 1024 to 65535 (unprivileged ports only)'],
    ['no room for the default pinned port', (e) => (e.server.port = 65535), 'server.port = 65535: must leave room for server.pinnedPort (default server.port + 1 = 65536, above 65535): set server.pinnedPort'],
    ['slow-request threshold of 0', (e) => (e.server.slowRequestSeconds = 0), 'server.slowRequestSeconds = 0: must be a number of seconds above 0 and at most 600'],
    ['duplicate rule priorities', (e) => (e.routing.headerOverride = { canaryPriority: 10, stablePriority: 10 }), 'routing.headerOverride.stablePriority = 10: must differ from routing.headerOverride.canaryPriority (10): listener rule priorities are unique'],
    ['header override with an empty value', (e) => (e.routing.headerOverride = { canaryValue: '' }), 'routing.headerOverride.canaryValue = "": must be a non-empty header value'],
    ['header override values equal', (e) => (e.routing.headerOverride = { canaryValue: 'yes', stableValue: 'YES' }), 'routing.headerOverride.stableValue = "YES": must differ from routing.headerOverride.canaryValue ("yes"; ALB compares header values case-insensitively)'],
    ['header name', (e) => (e.routing.headerOverride = { header: 'X Canary' }), 'routing.headerOverride.header = "X Canary": must be an HTTP header name (letters, digits, -)'],
    ['same HTTP and HTTPS port', (e) => (e.routing.httpsPort = 80), 'routing.httpsPort = 80: must differ from routing.httpPort (80)'],
    ['WAF ACL ARN', (e) => (e.routing.webAclArn = 'arn:aws:wafv2:us-east-1:1:global/webacl/x'), 'routing.webAclArn = "arn:aws:wafv2:us-east-1:1:global/webacl/x": must be a regional WAFv2 web ACL ARN'],
    ['state bucket', (e) => (e.stateBackend.bucket = 'My_Bucket'), 'stateBackend.bucket = "My_Bucket": must be an S3 bucket name (3-63 lowercase letters, digits, . or -)'],
    ['alarm email', (e) => (e.alarms = { email: 'oncall' }), 'alarms.email = "oncall": must be an email address'],
    ['a local data plane on AWS', (e) => (e.localDataPlane = { albMetricsPeriodSeconds: 10 }), 'localDataPlane = {"albMetricsPeriodSeconds":10}: must be unset unless localAws is true: on AWS the load balancer itself publishes its metrics, every 60 s'],
    ['an ALB metrics period that does not divide a minute', (e) => Object.assign(e, { localAws: true, localDataPlane: { albMetricsPeriodSeconds: 7 } }), 'localDataPlane.albMetricsPeriodSeconds = 7: must be one of 1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60 seconds (a period that divides a minute)'],
    ['unknown field', (e) => ((e.network as Record<string, unknown>).vpcCidrs = 'x'), 'network.vpcCidrs: unknown field(s); check the spelling against libs/config/src/schema.ts'],
  ];

  test.each(rules)('rejects %s', (_rule, patch, expected) => {
    expect(errorFor(patch)).toContain(`  - ${expected}`);
  });

  const productionRules: Array<[string, Patch, string]> = [
    ['prod without a certificate', (e) => (e.routing = { certificateArn: null, plainHttpReason: 'we would rather not pay for a certificate' }), 'routing.certificateArn = null: is required in a production environment: production serves HTTPS only'],
    ['prod without deletion protection', (e) => (e.routing.deletionProtection = false), 'routing.deletionProtection = false: must be true in a production environment'],
    ['prod in 2 zones', (e) => (e.network.availabilityZones = { 'us-east-1a': 0, 'us-east-1b': 1 }), 'network.availabilityZones = {"us-east-1a":0,"us-east-1b":1}: must name at least 3 zones in a production environment'],
    ['prod with one NAT gateway', (e) => (e.network.natGateways = 'single'), "network.natGateways = \"single\": must be 'per-az' in a production environment"],
    ['prod on the local AWS', (e) => (e.localAws = true), 'localAws = true: must be false in a production environment'],
  ];

  test.each(productionRules)('rejects %s', (_rule, patch, expected) => {
    expect(errorFor(patch, validProduction)).toContain(`  - ${expected}`);
  });
});

describe('assertDistinctNetworks', () => {
  test('accepts environments in separate address space', () => {
    expect(() => assertDistinctNetworks([defineEnvironment(validEnvironment()), defineEnvironment(validProduction())])).not.toThrow();
  });

  test('rejects overlapping VPC CIDRs across environments', () => {
    const staging = defineEnvironment({ ...validEnvironment(), name: 'staging', network: { ...validEnvironment().network, vpcCidr: '10.10.64.0/18' } });
    expect(() => assertDistinctNetworks([defineEnvironment(validEnvironment()), staging])).toThrow(
      'Invalid configuration for environment "staging":\n  - network.vpcCidr = "10.10.64.0/18": must not overlap environment "dev" (10.10.0.0/16)',
    );
  });
});
