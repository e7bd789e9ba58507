import { gunzipSync } from 'node:zlib';
import { structuredPatch } from 'diff';

/** Attributes that hold an instance's user data, and whether the plan shows them base64-encoded. */
const USER_DATA: Readonly<Record<string, Readonly<Record<string, 'base64' | 'text'>>>> = {
  aws_launch_template: { user_data: 'base64' },
  aws_instance: { user_data: 'text', user_data_base64: 'base64' },
};

export function isUserData(type: string, path: string): boolean {
  return USER_DATA[type]?.[path] !== undefined;
}

/** Synth diff: CDKTF writes `Fn.base64encode("…")` as a terraform expression around a JSON-escaped string. */
const BASE64ENCODE = /^\$\{base64encode\(("(?:[^"\\]|\\.)*")\)\}$/;

/**
 * User data as the text the instance reads: base64 decoded (and gunzipped when it is gzip, as cloud-init
 * accepts), or `undefined` when it is not text (binary, unknown, masked).
 */
export function decodeUserData(type: string, path: string, value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const literal = BASE64ENCODE.exec(value)?.[1];
  if (literal !== undefined) return JSON.parse(literal) as string;
  if (USER_DATA[type]?.[path] === 'text') return value;
  if (!/^[A-Za-z0-9+/=\s]*$/.test(value)) return undefined;
  let bytes = Buffer.from(value, 'base64');
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  const text = bytes.toString('utf8');
  // Not UTF-8 text (a binary payload): the replacement character shows it did not decode.
  return text.includes('\uFFFD') ? undefined : text;
}

/** A unified line diff of two texts (3 lines of context), as `-`/`+`/` ` lines under `@@` hunk headers. */
export function lineDiff(before: string, after: string): string[] {
  const { hunks } = structuredPatch('before', 'after', before, after, '', '', { context: 3 });
  return hunks.flatMap((hunk) => [`@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`, ...hunk.lines]);
}
