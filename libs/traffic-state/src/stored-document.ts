import { InvalidTrafficStateError, parseJsonDocument, problemsOf, storedTrafficStateSchema, type TrafficState } from './document';
import { LEGACY_SCHEMA_VERSION, legacyTrafficStateSchema, type LegacyTrafficState } from './legacy-document';

/** What a traffic-state parameter may hold: the current document, or a version-1 one not adopted yet (ADR 0007). */
export type StoredTrafficState = { readonly schemaVersion: 2; readonly state: TrafficState } | { readonly schemaVersion: 1; readonly legacy: LegacyTrafficState };

function isLegacy(input: unknown): boolean {
  return input !== null && typeof input === 'object' && (input as { schemaVersion?: unknown }).schemaVersion === LEGACY_SCHEMA_VERSION;
}

/**
 * Every problem of a stored document, exactly as Terraform's preconditions on the listener report
 * them: a version-1 document by the version-1 rules, anything else by the current ones.
 */
export function storedTrafficStateProblems(input: unknown): string[] {
  return isLegacy(input) ? problemsOf(legacyTrafficStateSchema, input) : problemsOf(storedTrafficStateSchema, input);
}

/** Parses what a traffic-state parameter holds, current or version 1; `source` names it in the error. */
export function parseStoredTrafficState(json: string, source: string): StoredTrafficState {
  const input = parseJsonDocument(json, source);
  const problems = storedTrafficStateProblems(input);
  if (problems.length > 0) throw new InvalidTrafficStateError(source, problems);
  return isLegacy(input) ? { schemaVersion: 1, legacy: legacyTrafficStateSchema.parse(input) } : { schemaVersion: 2, state: storedTrafficStateSchema.parse(input) };
}
