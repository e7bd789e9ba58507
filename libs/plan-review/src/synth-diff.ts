import { diffOutputs } from './output-change';
import type { ChangeKind, ResourceChange } from './resource-change';
import { outcomeOf, reviewStack, type Review } from './review';

/** The parts of a synthesized `cdk.tf.json` that a synth diff compares. */
export interface SynthesizedStack {
  readonly resource?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly output?: Readonly<Record<string, { readonly value?: unknown; readonly sensitive?: unknown }>>;
}

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
 * exist on that side). Values are configuration, so references stay as `${...}` expressions. Whether an
 * update replaces the resource is not known (`replacementUnknown`): that is in the provider's schema.
 */
export function diffSynthesized(before: SynthesizedStack | undefined, after: SynthesizedStack | undefined): ResourceChange[] {
  const old = resources(before);
  const now = resources(after);
  return [...new Set([...old.keys(), ...now.keys()])].map((address): ResourceChange => {
    const type = (old.get(address) ?? now.get(address))?.type ?? '';
    const b = old.get(address)?.config;
    const a = now.get(address)?.config;
    const kind: ChangeKind = b === undefined ? 'create' : a === undefined ? 'delete' : same(b, a) ? 'no-op' : 'update';
    return {
      address,
      type,
      kind,
      before: b ?? null,
      after: a ?? null,
      beforeSensitive: sensitivity(type, b),
      afterSensitive: sensitivity(type, a),
      replacePaths: [],
      ...(kind === 'update' ? { replacementUnknown: true } : {}),
    };
  });
}

export interface StackSynthPair {
  readonly stack: string;
  readonly before: SynthesizedStack | undefined;
  readonly after: SynthesizedStack | undefined;
}

/** Reviews the synthesized configuration of an environment against that of `baseRef`, stack by stack. */
export function reviewSynthDiff(environment: string, baseRef: string, pairs: readonly StackSynthPair[]): Review {
  const stacks = pairs.map(({ stack, before, after }) => reviewStack(stack, diffSynthesized(before, after), diffOutputs(before?.output, after?.output)));
  return { environment, source: 'synth-diff', baseRef, stacks, outcome: outcomeOf(stacks) };
}
