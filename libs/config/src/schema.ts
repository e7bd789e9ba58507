import { DEFAULT_STICKINESS_SECONDS, MAX_STICKINESS_SECONDS, MIN_STICKINESS_SECONDS, MODEL_VERSION, SERVER_IMAGE } from '@canaryfleet/traffic-state';
import { z } from 'zod';
import { cidrsOverlap, parseIpv4Cidr } from './cidr';
import { isSourceCidr, isWholeInternet, MAX_HEADER_OVERRIDE_CIDRS, OPEN_CIDR_REASON } from './header-override-cidrs';
import { INSTANCE_TYPE_PATTERN } from './instance-types';

/** Subnet slots 0..3: a VPC splits into 4 public and 4 private blocks. */
export const MAX_ZONE_SLOT = 3;
/** Bounds of the warm-up: the lifecycle hook's heartbeat allows 30 to 7200 s, and no model loads in less than 5 minutes. */
export const MIN_WARM_UP_SECONDS = 300;
export const MAX_WARM_UP_SECONDS = 7200;

// Allowed ranges live next to the messages that state them, so the two never disagree.
const int = (min: number, max: number, what = '') =>
  z
    .number({ error: `must be an integer from ${min} to ${max}${what}` })
    .int({ error: `must be an integer from ${min} to ${max}${what}` })
    .min(min, { error: `must be an integer from ${min} to ${max}${what}` })
    .max(max, { error: `must be an integer from ${min} to ${max}${what}` });

const nonEmpty = (what: string) => z.string({ error: `must be ${what}` }).min(1, { error: `must be ${what}` });

const cidr = z.string({ error: 'must be an IPv4 CIDR block like 10.20.0.0/16' }).refine((v) => parseIpv4Cidr(v) !== undefined, {
  error: 'must be an IPv4 CIDR block like 10.20.0.0/16 (network address, no host bits)',
});

const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
const CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/;
const WEB_ACL_ARN = /^arn:aws[a-z-]*:wafv2:[a-z0-9-]+:\d{12}:regional\/webacl\/[\w-]+\/[0-9a-f-]{36}$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
// RFC 7230 token characters: what an HTTP header name may contain.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export const networkSchema = z.strictObject({
  /** VPC CIDR, /16 to /24, split into 8 equal blocks: public subnets in slots 0..3, private in 4..7. */
  vpcCidr: cidr.refine((v) => {
    const prefix = Number(parseIpv4Cidr(v)?.cidrPrefix.getValue() ?? 0);
    return prefix >= 16 && prefix <= 24;
  }, { error: 'must have a prefix length from /16 to /24' }),
  /**
   * Availability zones by name, each with its subnet slot 0..3. The slot fixes the zone's public and
   * private CIDR blocks and the Terraform addresses of its subnets, NAT gateway and routes, so adding,
   * replacing or retiring one zone never touches another zone's subnets. 2 to 4 zones (an ALB needs 2);
   * every zone must offer fleet.instanceType, which a plan checks (ADR 0014).
   */
  availabilityZones: z.record(
    z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$/),
    int(0, MAX_ZONE_SLOT, ' (the subnet slot: a VPC holds 4 public and 4 private subnet blocks)'),
    { error: 'must map availability zone names (not zone ids) to subnet slots, like { "us-east-1a": 0, "us-east-1b": 1 }' },
  ),
  /** `single`: one NAT gateway (cheap, one AZ's outage cuts egress); `per-az`: one per AZ. @default 'single' */
  natGateways: z.enum(['single', 'per-az'], { error: "must be 'single' or 'per-az'" }).default('single'),
  /** Networks this VPC must never overlap (peers, VPN, other environments). @default [] */
  reservedCidrs: z.array(cidr).default([]),
  /**
   * Interface VPC endpoints for the AWS APIs the fleets call (SSM and Session Manager, ECR, CloudWatch
   * metrics and logs, STS, Auto Scaling), with the fleets' egress narrowed to them and to the S3 gateway
   * endpoint: no fleet traffic needs the NAT gateway. @default true in production, false elsewhere
   */
  interfaceEndpoints: z.boolean({ error: 'must be true or false' }).optional(),
  /** Retention of VPC flow logs in CloudWatch Logs, in days. @default 365 */
  flowLogRetentionDays: z
    .union([z.literal(1), z.literal(3), z.literal(5), z.literal(7), z.literal(14), z.literal(30), z.literal(60), z.literal(90), z.literal(180), z.literal(365), z.literal(400), z.literal(545), z.literal(731), z.literal(1827), z.literal(3653)], {
      error: 'must be a CloudWatch Logs retention: 1, 3, 5, 7, 14, 30, 60, 90, 180, 365, 400, 545, 731, 1827 or 3653',
    })
    .default(365),
});

export const fleetSchema = z.strictObject({
  /**
   * The one EC2 instance type of both fleets: a canary is judged against its baseline only on the same
   * hardware, so an environment has exactly one (ADR 0014). Every zone of network.availabilityZones must
   * offer it.
   */
  instanceType: z.string({ error: 'must be an EC2 instance type like g6.xlarge' }).regex(INSTANCE_TYPE_PATTERN, { error: 'must be an EC2 instance type like g6.xlarge' }),
  /** Stable fleet capacity bounds; the canary fleet scales between 0 and maxCapacity. */
  minCapacity: int(1, 1000),
  maxCapacity: int(1, 1000),
  /** Instances the stable fleet starts with; the operator owns desired capacity afterwards. */
  initialCapacity: int(1, 1000),
  /** Root gp3 volume, sized for the container image plus model weights. @default 100 */
  rootVolumeGiB: int(20, 16384).default(100),
  /**
   * Longest warm-up (boot, image pull, model download and load) before a new instance answers its health
   * path on both ports; it then completes its launch lifecycle hook and only then joins its target
   * groups. Past it the launch is abandoned and the instance replaced. @default 1800
   */
  warmUpTimeoutSeconds: int(MIN_WARM_UP_SECONDS, MAX_WARM_UP_SECONDS, ' seconds (the lifecycle hook heartbeat range)').default(1800),
  /** Time after warm-up before failed ELB health checks may replace an instance. @default 900 */
  healthCheckGracePeriodSeconds: int(60, 7200).default(900),
  /**
   * Public SSM parameter the AMI of a release is resolved from when the release starts (the operator
   * writes it into the fleet's own AMI parameter). @default DLAMI for GPU types, AL2023 otherwise.
   */
  amiParameter: z.string().regex(/^\/aws\/service\/[\w./-]+$/, { error: 'must be a public SSM parameter path under /aws/service/' }).optional(),
});

export const serverSchema = z.strictObject({
  /**
   * Container image of the inference server, pinned by tag or digest: the default image of the next
   * rollout (output `release_defaults`). Fleets run the image of their release in the traffic state, so
   * changing this never touches a running fleet. Its ECR repository is the one the fleets may pull from.
   */
  image: z.string().regex(SERVER_IMAGE, { error: 'must be a container image reference with a tag or digest, like 123456789012.dkr.ecr.us-east-1.amazonaws.com/llm-server:1.4.2' }),
  /** Port the server listens on for weighted traffic (the judged route). */
  port: int(1024, 65535, ' (unprivileged ports only)'),
  /**
   * Second port of the same server, behind the pinned target groups of the header overrides: the server
   * labels what arrives here Route=pinned, which the judge never reads. @default port + 1
   */
  pinnedPort: int(1024, 65535, ' (unprivileged ports only)').optional(),
  /** Requests slower than this count in the fleets' SlowRequestCount (output `fleet_metrics`), seconds. @default 5 */
  slowRequestSeconds: z
    .number({ error: 'must be a number of seconds above 0 and at most 600' })
    .gt(0, { error: 'must be a number of seconds above 0 and at most 600' })
    .max(600, { error: 'must be a number of seconds above 0 and at most 600' })
    .default(5),
  /** Path that answers 200 only once the model is loaded. */
  healthPath: z.string().regex(/^\/[\w./-]*$/, { error: "must be a URL path starting with '/'" }),
  /** S3 prefix holding model artifacts, one folder per model version. */
  modelArtifactUri: z.string().regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[\w.-]+)*\/$/, { error: "must be an S3 prefix like s3://bucket/models/ (ending in '/')" }),
  /** Model version the stable fleet serves when the environment is first created (traffic-state revision 1). */
  initialModelVersion: z.string().regex(MODEL_VERSION, { error: 'must be 1-64 characters of letters, digits, ., _ or -' }),
  /**
   * Why the container needs an IMDSv2 hop limit of 2 (containers on a bridge network add one hop).
   * Unset keeps the secure default of 1: only processes on the host reach instance metadata.
   */
  imdsHopLimit2Reason: z.string().min(10, { error: 'must explain in at least 10 characters why the container needs hop limit 2' }).optional(),
});

const healthCheckSchema = z.strictObject({
  intervalSeconds: int(5, 300).default(15),
  timeoutSeconds: int(2, 120).default(5),
  healthyThreshold: int(2, 10).default(2),
  unhealthyThreshold: int(2, 10).default(3),
  /** HTTP codes meaning healthy, as ALB matchers take them ("200", "200-299", "200,204"). @default '200' */
  matcher: z.string().regex(/^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/, { error: 'must be HTTP codes like 200, 200-299 or 200,204' }).default('200'),
});

const headerOverrideSchema = z.strictObject({
  header: z.string().regex(HEADER_NAME, { error: 'must be an HTTP header name (letters, digits, -)' }).default('X-Canary'),
  canaryValue: nonEmpty('a non-empty header value').default('always'),
  stableValue: nonEmpty('a non-empty header value').default('never'),
  canaryPriority: int(1, 50000).default(10),
  stablePriority: int(1, 50000).default(20),
  /**
   * Networks whose requests may use the header overrides (ALB source-ip condition). The rules exist only
   * when this lists at least one block; 0.0.0.0/0 and ::/0 are refused. At most 4 (ALB rule limit). @default []
   */
  sourceCidrs: z
    .array(z.string().refine(isSourceCidr, { error: 'must be a CIDR block like 203.0.113.0/24 or 2001:db8::/32 (the network address, without host bits)' }), { error: 'must be a list of CIDR blocks' })
    .max(MAX_HEADER_OVERRIDE_CIDRS, { error: `must list at most ${MAX_HEADER_OVERRIDE_CIDRS} CIDR blocks: an ALB rule takes 5 condition values, and the header value is one` })
    .default([]),
});

export const routingSchema = z.strictObject({
  /** ACM certificate for the HTTPS listener; null only with `plainHttpReason`. */
  certificateArn: z.string().regex(CERTIFICATE_ARN, { error: 'must be an ACM certificate ARN' }).nullable(),
  /** Required when certificateArn is null: why this environment serves plain HTTP. */
  plainHttpReason: z.string().min(10, { error: 'must explain in at least 10 characters why plain HTTP is acceptable' }).optional(),
  httpPort: int(1, 65535).default(80),
  httpsPort: int(1, 65535).default(443),
  /** Seconds an idle connection stays open; inference can be slow. @default 120 */
  idleTimeoutSeconds: int(1, 4000).default(120),
  /** @default true */
  deletionProtection: z.boolean().default(true),
  /**
   * Group stickiness of the weighted forward while a canary receives a share, seconds; terminal states
   * forward to the stable group only (docs/traffic-state.md, "Stickiness"). @default 300
   */
  stickinessSeconds: int(MIN_STICKINESS_SECONDS, MAX_STICKINESS_SECONDS, ' seconds (longer holds clients across rollout steps)').default(DEFAULT_STICKINESS_SECONDS),
  /** Target-group stickiness (lb_cookie), in seconds; 0 = off. @default 0 */
  targetStickinessSeconds: int(0, 604800, ' (0 turns stickiness off)').default(0),
  /** Ramp of a new target's share of requests, in seconds. @default 60 */
  slowStartSeconds: int(0, 900).refine((v) => v === 0 || v >= 30, { error: 'must be 0 (off) or from 30 to 900 seconds' }).default(60),
  /** Drain time; covers the longest request (streamed generations). @default 300 */
  deregistrationDelaySeconds: int(0, 3600).default(300),
  /** @default 'least_outstanding_requests' */
  loadBalancingAlgorithm: z.enum(['least_outstanding_requests', 'round_robin'], { error: "must be 'least_outstanding_requests' or 'round_robin'" }).default('least_outstanding_requests'),
  healthCheck: healthCheckSchema.default(() => healthCheckSchema.parse({})),
  headerOverride: headerOverrideSchema.default(() => headerOverrideSchema.parse({})),
  /** Days ALB access logs are kept. @default 90 */
  accessLogRetentionDays: int(1, 3650).default(90),
  /** Regional WAFv2 web ACL to associate with the ALB. */
  webAclArn: z.string().regex(WEB_ACL_ARN, { error: 'must be a regional WAFv2 web ACL ARN' }).optional(),
});

export const stateBackendSchema = z.strictObject({
  bucket: z.string().regex(BUCKET, { error: 'must be an S3 bucket name (3-63 lowercase letters, digits, . or -)' }),
  keyPrefix: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { error: 'must be lowercase letters, digits or -' }).default('canaryfleet'),
  region: z.string().regex(REGION, { error: 'must be an AWS region like us-east-1' }),
});

export const alarmsSchema = z.strictObject({
  /** Email subscribed to the alarm topic (confirmation needed once). */
  email: z.email({ error: 'must be an email address' }).optional(),
  /** p99 TargetResponseTime above which the latency alarm fires, in seconds. @default 10 */
  p99LatencySeconds: z.number().positive({ error: 'must be a positive number of seconds' }).max(3600, { error: 'must be at most 3600 seconds' }).default(10),
  /** Target 5xx share of requests that fires the error alarm, percent. @default 1 */
  target5xxPercent: z.number().gt(0, { error: 'must be a percentage above 0 and at most 100' }).max(100, { error: 'must be a percentage above 0 and at most 100' }).default(1),
});

/** Periods that tile a minute: CloudWatch aligns a query's periods to its start, and the operator reads whole minutes too. */
const ALB_METRICS_PERIODS = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60] as const;

const localDataPlaneSchema = z.strictObject({
  /**
   * How often the ALB stand-in publishes the per-target-group metrics ALB publishes every 60 s (output
   * `alb_metrics_period_seconds`, read by the operator): shorter, so a local rollout decides in minutes. @default 10
   */
  albMetricsPeriodSeconds: z
    .number()
    .refine((v) => (ALB_METRICS_PERIODS as readonly number[]).includes(v), { error: `must be one of ${ALB_METRICS_PERIODS.join(', ')} seconds (a period that divides a minute)` })
    .default(10),
});

export const githubSchema = z.strictObject({
  /**
   * `owner/name` of the repository whose workflows plan, deploy and roll out this environment: the only
   * repository the environment's OIDC roles trust (ADR 0014).
   */
  repository: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,38}\/[A-Za-z0-9._-]{1,100}$/, { error: 'must be a GitHub repository like example-org/canaryfleet' }),
});

export const environmentSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z][a-z0-9-]{1,15}$/, { error: 'must be 2-16 lowercase letters, digits or -, starting with a letter' }),
    /** `production` turns on the rules prod must satisfy (HTTPS, deletion protection, a NAT per AZ). */
    tier: z.enum(['production', 'non-production'], { error: "must be 'production' or 'non-production'" }),
    region: z.string().regex(REGION, { error: 'must be an AWS region like us-east-1' }),
    /** Account the environment must deploy into; the provider refuses any other. */
    account: z.string().regex(/^\d{12}$/, { error: 'must be a 12-digit AWS account id' }).optional(),
    /**
     * The AWS API is moto_server on loopback (the `local` environment): the provider skips credential,
     * account and metadata checks and S3 uses path-style URLs. Never set for a real account.
     */
    localAws: z.boolean().default(false),
    /**
     * The local data plane (tools/data-plane) that stands in for ALB and the fleets on a `localAws`
     * environment. Unset elsewhere: on AWS the load balancer publishes its metrics every 60 s.
     */
    localDataPlane: localDataPlaneSchema.optional(),
    network: networkSchema,
    fleet: fleetSchema,
    server: serverSchema,
    routing: routingSchema,
    stateBackend: stateBackendSchema,
    alarms: alarmsSchema.default(() => alarmsSchema.parse({})),
    /** GitHub Actions deploy this environment: the bootstrap app creates their roles. Unset: no roles (local). */
    github: githubSchema.optional(),
    tags: z.record(z.string().regex(/^[\w .:/=+@-]{1,128}$/), z.string().max(256)).default({}),
  })
  .superRefine((env, ctx) => {
    const { fleet, routing, network } = env;
    if (fleet.minCapacity > fleet.maxCapacity) {
      ctx.addIssue({ code: 'custom', path: ['fleet', 'minCapacity'], message: `must be <= fleet.maxCapacity (${fleet.maxCapacity})` });
    }
    if (fleet.initialCapacity < fleet.minCapacity || fleet.initialCapacity > fleet.maxCapacity) {
      ctx.addIssue({ code: 'custom', path: ['fleet', 'initialCapacity'], message: `must be from fleet.minCapacity (${fleet.minCapacity}) to fleet.maxCapacity (${fleet.maxCapacity})` });
    }
    const zones = Object.entries(network.availabilityZones);
    if (zones.length < 2 || zones.length > MAX_ZONE_SLOT + 1) {
      ctx.addIssue({ code: 'custom', path: ['network', 'availabilityZones'], message: `must name 2 to ${MAX_ZONE_SLOT + 1} zones (an ALB needs subnets in at least 2), ${zones.length} given` });
    }
    for (const [zone, slot] of zones) {
      if (!zone.startsWith(env.region)) {
        ctx.addIssue({ code: 'custom', path: ['network', 'availabilityZones', zone], message: `must be a zone of region ${env.region}` });
      }
      const first = zones.find(([, other]) => other === slot)?.[0];
      if (first !== zone) {
        ctx.addIssue({ code: 'custom', path: ['network', 'availabilityZones', zone], message: `must not share subnet slot ${slot} with ${first}: a slot is one pair of CIDR blocks` });
      }
    }
    if (routing.certificateArn === null && routing.plainHttpReason === undefined) {
      ctx.addIssue({ code: 'custom', path: ['routing', 'plainHttpReason'], message: 'is required when routing.certificateArn is null: say why this environment may serve plain HTTP' });
    }
    if (routing.certificateArn !== null && routing.plainHttpReason !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['routing', 'plainHttpReason'], message: 'must be unset when routing.certificateArn is set (the environment serves HTTPS)' });
    }
    if (env.localDataPlane && !env.localAws) {
      ctx.addIssue({ code: 'custom', path: ['localDataPlane'], message: 'must be unset unless localAws is true: on AWS the load balancer itself publishes its metrics, every 60 s' });
    }
    if (env.github && env.account === undefined) {
      ctx.addIssue({ code: 'custom', path: ['account'], message: 'is required with github: the workflows\' roles trust a provider and attach policies by their ARNs in this account' });
    }
    if (routing.httpPort === routing.httpsPort) {
      ctx.addIssue({ code: 'custom', path: ['routing', 'httpsPort'], message: `must differ from routing.httpPort (${routing.httpPort})` });
    }
    const { headerOverride: header } = routing;
    header.sourceCidrs.forEach((cidr, index) => {
      if (isWholeInternet(cidr)) ctx.addIssue({ code: 'custom', path: ['routing', 'headerOverride', 'sourceCidrs', index], message: `must not be the whole internet: ${OPEN_CIDR_REASON}` });
      if (header.sourceCidrs.indexOf(cidr) !== index) ctx.addIssue({ code: 'custom', path: ['routing', 'headerOverride', 'sourceCidrs', index], message: 'must not list a block twice' });
    });
    const pinnedPort = env.server.pinnedPort ?? env.server.port + 1;
    const pinnedField = env.server.pinnedPort === undefined ? ['server', 'port'] : ['server', 'pinnedPort'];
    if (pinnedPort === env.server.port) {
      ctx.addIssue({ code: 'custom', path: ['server', 'pinnedPort'], message: `must differ from server.port (${env.server.port}): the server tells weighted from pinned requests by the port they arrive on` });
    } else if (pinnedPort > 65535) {
      ctx.addIssue({ code: 'custom', path: pinnedField, message: `must leave room for server.pinnedPort (default server.port + 1 = ${pinnedPort}, above 65535): set server.pinnedPort` });
    }
    if (header.canaryPriority === header.stablePriority) {
      ctx.addIssue({ code: 'custom', path: ['routing', 'headerOverride', 'stablePriority'], message: `must differ from routing.headerOverride.canaryPriority (${header.canaryPriority}): listener rule priorities are unique` });
    }
    if (header.canaryValue.toLowerCase() === header.stableValue.toLowerCase()) {
      ctx.addIssue({ code: 'custom', path: ['routing', 'headerOverride', 'stableValue'], message: `must differ from routing.headerOverride.canaryValue ("${header.canaryValue}"; ALB compares header values case-insensitively)` });
    }
    const vpc = parseIpv4Cidr(network.vpcCidr);
    network.reservedCidrs.forEach((reserved, index) => {
      const block = parseIpv4Cidr(reserved);
      if (vpc && block && cidrsOverlap(vpc, block)) {
        ctx.addIssue({ code: 'custom', path: ['network', 'reservedCidrs', index], message: `must not overlap network.vpcCidr (${network.vpcCidr})` });
      }
    });
    if (env.tier === 'production') {
      if (routing.certificateArn === null) {
        ctx.addIssue({ code: 'custom', path: ['routing', 'certificateArn'], message: 'is required in a production environment: production serves HTTPS only' });
      }
      if (!routing.deletionProtection) {
        ctx.addIssue({ code: 'custom', path: ['routing', 'deletionProtection'], message: 'must be true in a production environment' });
      }
      if (Object.keys(network.availabilityZones).length < 3) {
        ctx.addIssue({ code: 'custom', path: ['network', 'availabilityZones'], message: 'must name at least 3 zones in a production environment' });
      }
      if (network.natGateways !== 'per-az') {
        ctx.addIssue({ code: 'custom', path: ['network', 'natGateways'], message: "must be 'per-az' in a production environment: one AZ's outage must not cut every fleet's egress" });
      }
      if (env.localAws) {
        ctx.addIssue({ code: 'custom', path: ['localAws'], message: 'must be false in a production environment' });
      }
    }
  });

/** What an environment file writes (defaults may be left out). */
export type EnvironmentInput = z.input<typeof environmentSchema>;
/** A validated environment with every default filled in (`server.pinnedPort` and `network.interfaceEndpoints` included). */
export type EnvironmentConfig = Omit<z.output<typeof environmentSchema>, 'server' | 'network'> & {
  readonly server: z.output<typeof serverSchema> & { readonly pinnedPort: number };
  readonly network: z.output<typeof networkSchema> & { readonly interfaceEndpoints: boolean };
};
