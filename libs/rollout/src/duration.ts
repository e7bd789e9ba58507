const DURATION = /^(\d+)(s|m|h)$/;
const UNIT_SECONDS = { s: 1, m: 60, h: 3600 } as const;

/** "90s", "2m", "1h" -> seconds. `field` names where the value came from in the error. */
export function parseDuration(text: string, field: string): number {
  const match = DURATION.exec(text.trim());
  if (!match) throw new RangeError(`${field} = ${JSON.stringify(text)}: must be a duration like 90s, 2m or 1h`);
  return Number(match[1]) * UNIT_SECONDS[match[2] as keyof typeof UNIT_SECONDS];
}

export function formatDuration(seconds: number): string {
  if (seconds % 3600 === 0 && seconds > 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0 && seconds > 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}
