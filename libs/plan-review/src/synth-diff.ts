import type { ChangeKind, ResourceChange } from './resource-change';
import { outcomeOf, reviewStack, type Review } from './review';

/** The parts of a synthesized `cdk.tf.json` that a synth diff compares. */
export interface SynthesizedStack {
  readonly resource?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/**
 * Attributes that make the provider replace the resource when they change (ForceNew in hashicorp/aws
 * 5.x), for the resource types the risk rules care about. Without a provider there is no plan to say so.
 */
const FORCES_REPLACEMENT: Readonly<Record<string, readonly string[]>> = {
  aws_lb: ['name', 'name_prefix', 'internal', 'load_balancer_type'],
  aws_lb_target_group: ['name', 'name_prefix', 'port', 'protocol', 'protocol_version', 'target_type', 'vpc_id'],
  aws_lb_listener_rule: ['listener_arn'],
  aws_lb_listener: ['load_balancer_arn'],
  aws_launch_template: ['name', 'name_prefix'],
  aws_autoscaling_group: ['name', 'name_prefix'],
  aws_s3_bucket: ['bucket', 'bucket_prefix'],
  aws_ssm_parameter: ['name'],
  aws_vpc: ['cidr_block'],
  aws_subnet: ['cidr_block', 'availability_zone', 'vpc_id'],
  aws_nat_gateway: ['allocation_id', 'subnet_id', 'connectivity_type'],
  aws_cloudwatch_log_group: ['name', 'name_prefix'],
  aws_security_group: ['name', 'name_prefix', 'vpc_id', 'description'],
  aws_vpc_security_group_ingress_rule: ['security_group_id'],
};

/** Attribute names that hold secrets in configuration; terraform's schema marks them sensitive. */
const SENSITIVE_NAME = /(^|_)(password|secret|token|private_key)$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Configuration without CDKTF's "//" metadata, which changes with construct paths, not with infrastructure. */
function withoutMetadata(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutMetadata);
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== '//').map(([key, item]) => [key, withoutMetadata(item)]));
}

/** A sensitivity mirror for configuration: secrets by name, and an SSM parameter's value unless it is a plain String. */
function sensitivity(type: string, config: unknown): unknown {
  if (!isObject(config)) return undefined;
  const mirror: Record<string, boolean> = {};
  for (const key of Object.keys(config)) {
    if (type === 'aws_ssm_parameter' && key === 'value') mirror[key] = config.type !== 'String';
    else if (SENSITIVE_NAME.test(key)) mirror[key] = true;
  }
  return mirror;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function resources(stack: SynthesizedStack | undefined): Map<string, { type: string; config: unknown }> {
  const out = new Map<string, { type: string; config: unknown }>();
  for (const [type, byName] of Object.entries(stack?.resource ?? {})) {
    for (const [name, config] of Object.entries(byName)) out.set(`${type}.${name}`, { type, config: withoutMetadata(config) });
  }
  return out;
}

/**
 * The resource changes between two synthesized versions of one stack (`undefined`: the stack does not
 * exist on that side). Values are configuration, so references stay as `${...}` expressions; whether an
 * update replaces the resource is judged from FORCES_REPLACEMENT.
 */
export function diffSynthesized(before: SynthesizedStack | undefined, after: SynthesizedStack | undefined): ResourceChange[] {
  const old = resources(before);
  const now = resources(after);
  return [...new Set([...old.keys(), ...now.keys()])].map((address): ResourceChange => {
    const type = (old.get(address) ?? now.get(address))?.type ?? '';
    const b = old.get(address)?.config;
    const a = now.get(address)?.config;
    const replacePaths = b !== undefined && a !== undefined ? (FORCES_REPLACEMENT[type] ?? []).filter((key) => !same((b as Record<string, unknown>)[key], (a as Record<string, unknown>)[key])) : [];
    const kind: ChangeKind = b === undefined ? 'create' : a === undefined ? 'delete' : same(b, a) ? 'no-op' : replacePaths.length > 0 ? 'replace' : 'update';
    return { address, type, kind, before: b ?? null, after: a ?? null, beforeSensitive: sensitivity(type, b), afterSensitive: sensitivity(type, a), replacePaths };
  });
}

export interface StackSynthPair {
  readonly stack: string;
  readonly before: SynthesizedStack | undefined;
  readonly after: SynthesizedStack | undefined;
}

/** Reviews the synthesized configuration of an environment against that of `baseRef`, stack by stack. */
export function reviewSynthDiff(environment: string, baseRef: string, pairs: readonly StackSynthPair[]): Review {
  const stacks = pairs.map(({ stack, before, after }) => reviewStack(stack, diffSynthesized(before, after)));
  return { environment, source: 'synth-diff', baseRef, stacks, outcome: outcomeOf(stacks) };
}
