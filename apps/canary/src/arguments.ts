import { parseArgs, type ParseArgsConfig } from 'node:util';
import { LIMIT_RANGES, parseDuration, parseSchedule, ScheduleError, validateLimit, type RolloutLimits, type RolloutSchedule } from '@canaryfleet/rollout';
import { UsageError } from './io';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Options every command that opens an environment takes. */
export const COMMON_OPTIONS = {
  outputs: { type: 'string' },
  by: { type: 'string' },
  json: { type: 'boolean', default: false },
} as const satisfies Options;

/** node:util parseArgs, with its errors turned into usage errors that name the command. */
export function parse<T extends Options>(command: string, args: readonly string[], options: T) {
  try {
    return parseArgs({ args: [...args], options: { ...COMMON_OPTIONS, ...options }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`canary ${command}: ${(error as Error).message} (see \`canary help\`)`);
  }
}

export function parseScheduleOptions(values: { steps?: string; bake?: string; interval?: string }): RolloutSchedule {
  try {
    return parseSchedule(values);
  } catch (error) {
    if (error instanceof ScheduleError || error instanceof RangeError) throw new UsageError(error.message);
    throw error;
  }
}

/**
 * `--limit metricsSettleSeconds=10s` (repeatable): shorter limits for tests and the local environment.
 * Each is range-checked here, before the environment is opened.
 */
export function parseLimitOptions(values: readonly string[] | undefined): Partial<RolloutLimits> {
  const limits: Partial<Record<keyof RolloutLimits, number>> = {};
  for (const text of values ?? []) {
    const [key, value] = text.split('=', 2);
    if (!(key in LIMIT_RANGES) || value === undefined) {
      throw new UsageError(`--limit = ${JSON.stringify(text)}: must be NAME=VALUE with NAME one of ${Object.keys(LIMIT_RANGES).join(', ')}`);
    }
    const field = key as keyof RolloutLimits;
    try {
      limits[field] = validateLimit(field, /^\d+$/.test(value) ? Number(value) : parseDuration(value, `--limit ${key}`));
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  return limits;
}

/** A duration option within a range, in seconds. */
export function durationOption(name: string, text: string | undefined, fallback: number, range: { min: number; max: number }): number {
  if (text === undefined) return fallback;
  let seconds: number;
  try {
    seconds = parseDuration(text, name);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (seconds < range.min || seconds > range.max) throw new UsageError(`${name} = ${JSON.stringify(text)}: must be from ${range.min}s to ${range.max}s`);
  return seconds;
}

export function requiredReason(command: string, reason: string | undefined): string {
  if (!reason?.trim()) throw new UsageError(`canary ${command}: --reason is required: say why, it is recorded in the journal with who asked`);
  return reason.trim();
}
