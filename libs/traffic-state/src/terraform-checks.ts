import { AMI_ID, DOCUMENT_FIELDS, drainingRole, MESSAGES, MODEL_VERSION, PHASES, SERVER_IMAGE, UTC_TIME } from './document';
import { FLEET_COLOURS } from './fleet-colour';
import { LEGACY_DOCUMENT_FIELDS, LEGACY_MESSAGES } from './legacy-document';
import { MAX_CANARY_PER_MILLE } from './share';
import { RELEASE_FIELDS } from './user-data-contract';

/**
 * The rules of the document as Terraform expressions (HCL), so a plan stops on an invalid document
 * with the message the library gives (ADR 0007): the same fields, values and words as
 * `storedTrafficStateProblems`, which the project's test of these checks compares document by document.
 * Version-1 documents pass by the version-1 rules until the operator adopts them.
 */
export interface TrafficStateCheck {
  /** The field the check is about (several per-fleet fields share one check). */
  readonly field: string;
  /** HCL boolean, true when the document is fine in this respect; never fails to evaluate. */
  readonly condition: string;
  /** HCL string expression: one line per problem, `field = value: must be ...`. */
  readonly errorMessage: string;
}

/** Names of the values the checks read, which the caller defines (Terraform locals, or a for-expression's variables). */
export interface TrafficStateHclNames {
  /** The parameter's value, a JSON string. */
  readonly raw: string;
  /** `trafficStateDocumentHcl(raw)`: the decoded document, null when it is not JSON. */
  readonly document: string;
  /** `trafficStateShapeValidHcl(names)`: whether every field is valid on its own. */
  readonly shapeValid: string;
}

type Part = string | { readonly hcl: string };

/** An HCL string literal: JSON escapes, plus `$${` and `%%{` so nothing in it is interpolated. */
function literal(text: string): string {
  return JSON.stringify(text).replace(/\$\{/g, '$${').replace(/%\{/g, '%%{');
}

/** An HCL string template of literal text and interpolated expressions. */
function template(...parts: Part[]): string {
  return `"${parts.map((part) => (typeof part === 'string' ? literal(part).slice(1, -1) : `\${${part.hcl}}`)).join('')}"`;
}

const expr = (hcl: string) => ({ hcl });
const list = (items: readonly string[]) => `[${items.map(literal).join(', ')}]`;
const safe = (hcl: string) => `try(${hcl}, false)`;
/** `a || b` that never evaluates `b` when `a` holds (HCL's `||` evaluates both sides, and `b` may fail). */
const or = (a: string, b: string) => `(${a}) ? true : (${b})`;
const isObject = (x: string) => `can(regex(${literal('^\\{')}, jsonencode(${x})))`;
const isString = (x: string) => `can(regex(${literal('^"')}, jsonencode(${x})))`;
const isInteger = (x: string) => `can(regex(${literal('^-?[0-9]+$')}, jsonencode(${x})))`;
const matches = (x: string, pattern: RegExp) => `${isString(x)} && can(regex(${literal(pattern.source)}, ${x}))`;
const shown = (x: string) => expr(`try(jsonencode(${x}), "missing")`);
const extraKeys = (x: string, allowed: readonly string[]) => `sort(setsubtract(keys(${x}), ${list(allowed)}))`;

interface Rule {
  readonly field: string;
  /** When the rule is about this document at all (its version, its parent objects). */
  readonly applies: string;
  readonly ok: string;
  readonly message: string;
}

function toCheck(rule: Rule): TrafficStateCheck {
  // The message is evaluated only when the condition fails, when the values it reads exist; `try` keeps
  // a wrong guess from turning into a Terraform error about the message itself.
  return { field: rule.field, condition: `${safe(rule.applies)} ? ${safe(rule.ok)} : true`, errorMessage: `try(${rule.message}, ${literal(`${rule.field}: invalid`)})` };
}

/** A rule checked for both fleets: one line per fleet that breaks it. */
function perFleet(field: string, applies: string, ok: (colour: string) => string, line: (colour: string) => string): Rule {
  const fleets = list(FLEET_COLOURS);
  return {
    field,
    applies,
    ok: `alltrue([for colour in ${fleets} : ${safe(ok('colour'))}])`,
    message: `join("\\n", [for colour in ${fleets} : ${line('colour')} if !${safe(ok('colour'))}])`,
  };
}

export function trafficStateDocumentHcl(raw: string): string {
  return `try(jsondecode(${raw}), null)`;
}

function shapeRules(names: TrafficStateHclNames): Rule[] {
  const d = names.document;
  const legacy = `jsonencode(${d}.schemaVersion) == "1"`;
  const anyVersion = isObject(d);
  const current = `${isObject(d)} && !(${safe(legacy)})`;
  const old = `${isObject(d)} && ${legacy}`;
  const field = (name: string, applies: string, ok: string, message: string | ((value: string) => string)): Rule => ({
    field: name,
    applies,
    ok,
    message: template(`${name} = `, shown(`${d}.${name}`), ': ', typeof message === 'string' ? message : expr(message(`${d}.${name}`))),
  });
  const unknownFields = (parent: string, prefix: string, allowed: readonly string[], applies: string): Rule => ({
    field: `${prefix}(unknown fields)`,
    applies,
    ok: `length(${extraKeys(parent, allowed)}) == 0`,
    message: template(prefix, expr(`join(", ", ${extraKeys(parent, allowed)})`), `: ${MESSAGES.unknownFields}`),
  });
  const object = (name: string, applies: string, message: string) => field(name, applies, isObject(`${d}.${name}`), message);
  const release = (colour: string) => `${d}.releases[${colour}]`;
  const releaseApplies = `${current} && ${isObject(`${d}.releases`)}`;
  const releaseField = (name: (typeof RELEASE_FIELDS)[number], pattern: RegExp, typeMessage: string, formatMessage: string) =>
    perFleet(
      `releases.*.${name}`,
      releaseApplies,
      (c) => or(`!${isObject(release(c))}`, matches(`${release(c)}.${name}`, pattern)),
      (c) => template('releases.', expr(c), `.${name} = `, shown(`${release(c)}.${name}`), ': ', expr(`${safe(isString(`${release(c)}.${name}`))} ? ${literal(formatMessage)} : ${literal(typeMessage)}`)),
    );
  const weight = (colour: string) => `${d}.weights[${colour}]`;
  const modelVersion = (colour: string) => `${d}.modelVersions[${colour}]`;
  return [
    { field: '(document)', applies: 'true', ok: isObject(d), message: `can(jsondecode(${names.raw})) ? ${template('(document) = ', expr(`jsonencode(${d})`), `: ${MESSAGES.document}`)} : ${literal(`(document): ${MESSAGES.documentNotJson}`)}` },
    field('schemaVersion', anyVersion, `contains(["1", "2"], jsonencode(${d}.schemaVersion))`, MESSAGES.storedSchemaVersion),
    field('revision', anyVersion, `${isInteger(`${d}.revision`)} && ${d}.revision >= 1`, MESSAGES.revision),
    field('stable', anyVersion, `${isString(`${d}.stable`)} && contains(${list(FLEET_COLOURS)}, ${d}.stable)`, MESSAGES.colour),
    field('updatedBy', anyVersion, `${isString(`${d}.updatedBy`)} && length(${d}.updatedBy) >= 1`, MESSAGES.updatedBy),
    // Version 2.
    unknownFields(d, '', DOCUMENT_FIELDS, current),
    field('phase', current, `${isString(`${d}.phase`)} && contains(${list(PHASES)}, ${d}.phase)`, MESSAGES.phase),
    field(
      'canaryPerMille',
      current,
      `${isInteger(`${d}.canaryPerMille`)} && ${d}.canaryPerMille >= 0 && ${d}.canaryPerMille <= ${MAX_CANARY_PER_MILLE}`,
      (value) => `${safe(`${isInteger(value)} && ${value} > ${MAX_CANARY_PER_MILLE}`)} ? ${literal(MESSAGES.canaryPerMilleAbove)} : ${literal(MESSAGES.canaryPerMille)}`,
    ),
    object('releases', current, MESSAGES.releases),
    unknownFields(`${d}.releases`, 'releases.', FLEET_COLOURS, releaseApplies),
    perFleet('releases.*', releaseApplies, (c) => `${release(c)} == null || ${isObject(release(c))}`, (c) => template('releases.', expr(c), ' = ', shown(release(c)), `: ${MESSAGES.release}`)),
    perFleet(
      'releases.*.(unknown fields)',
      releaseApplies,
      (c) => or(`!${isObject(release(c))}`, `length(${extraKeys(release(c), RELEASE_FIELDS)}) == 0`),
      (c) => template('releases.', expr(c), '.', expr(`join(", ", ${extraKeys(release(c), RELEASE_FIELDS)})`), `: ${MESSAGES.unknownFields}`),
    ),
    releaseField('modelVersion', MODEL_VERSION, MESSAGES.modelVersionType, MESSAGES.modelVersion),
    releaseField('serverImage', SERVER_IMAGE, MESSAGES.serverImageType, MESSAGES.serverImage),
    releaseField('amiId', AMI_ID, MESSAGES.amiIdType, MESSAGES.amiId),
    field('rolloutId', current, or(`${d}.rolloutId == null`, `${isString(`${d}.rolloutId`)} && length(${d}.rolloutId) >= 1`), MESSAGES.rolloutId),
    field('updatedAt', current, matches(`${d}.updatedAt`, UTC_TIME), MESSAGES.updatedAt),
    // Version 1, until the operator adopts it.
    unknownFields(d, '', LEGACY_DOCUMENT_FIELDS, old),
    object('weights', old, LEGACY_MESSAGES.weights),
    unknownFields(`${d}.weights`, 'weights.', FLEET_COLOURS, `${old} && ${isObject(`${d}.weights`)}`),
    perFleet(
      'weights.*',
      `${old} && ${isObject(`${d}.weights`)}`,
      (c) => `${isInteger(weight(c))} && ${weight(c)} >= 0 && ${weight(c)} <= 100`,
      (c) => template('weights.', expr(c), ' = ', shown(weight(c)), `: ${LEGACY_MESSAGES.weight}`),
    ),
    object('modelVersions', old, LEGACY_MESSAGES.modelVersions),
    unknownFields(`${d}.modelVersions`, 'modelVersions.', FLEET_COLOURS, `${old} && ${isObject(`${d}.modelVersions`)}`),
    perFleet(
      'modelVersions.*',
      `${old} && ${isObject(`${d}.modelVersions`)}`,
      (c) => or(`${modelVersion(c)} == null`, `${isString(modelVersion(c))} && length(${modelVersion(c)}) >= 1`),
      (c) => template('modelVersions.', expr(c), ' = ', shown(modelVersion(c)), `: ${LEGACY_MESSAGES.modelVersion}`),
    ),
    field('updatedAt', old, isString(`${d}.updatedAt`), LEGACY_MESSAGES.updatedAt),
  ];
}

/** Whether every field is valid on its own: the rules between fields are checked only then, as the library does. */
export function trafficStateShapeValidHcl(names: TrafficStateHclNames): string {
  return `alltrue([${shapeRules(names)
    .map((rule) => toCheck(rule).condition)
    .join(', ')}])`;
}

function invariantRules(names: TrafficStateHclNames): Rule[] {
  const d = names.document;
  const current = `${names.shapeValid} && jsonencode(${d}.schemaVersion) == "2"`;
  const canary = `{ blue = "green", green = "blue" }[${d}.stable]`;
  const phase = expr(`${d}.phase`);
  return [
    {
      field: 'releases.<stable>',
      applies: current,
      ok: `${d}.releases[${d}.stable] != null`,
      message: template('releases.', expr(`${d}.stable`), ' = null: must be a release: "', expr(`${d}.stable`), '" is the stable fleet, and the stable fleet always runs one'),
    },
    {
      field: 'canaryPerMille',
      applies: current,
      ok: or(`${d}.phase == "canary"`, `${d}.canaryPerMille == 0`),
      message: template('canaryPerMille = ', expr(`jsonencode(${d}.canaryPerMille)`), ': must be 0 in phase "', phase, '": only a running canary receives a share'),
    },
    {
      field: 'releases.<canary>',
      applies: `${current} && ${d}.phase == "idle"`,
      ok: `${d}.releases[${canary}] == null`,
      message: template('releases.', expr(canary), ' = ', expr(`jsonencode(${d}.releases[${canary}])`), ': must be null in phase "idle": the idle fleet runs nothing'),
    },
    { field: 'rolloutId', applies: `${current} && ${d}.phase == "idle"`, ok: `${d}.rolloutId == null`, message: template('rolloutId = ', expr(`jsonencode(${d}.rolloutId)`), ': must be null in phase "idle"') },
    { field: 'rolloutId', applies: `${current} && ${d}.phase != "idle"`, ok: `${d}.rolloutId != null`, message: template('rolloutId = null: must name the rollout in phase "', phase, '"') },
    {
      field: 'releases.<canary>',
      applies: `${current} && ${d}.phase != "idle"`,
      ok: `${d}.releases[${canary}] != null`,
      message: template('releases.', expr(canary), ' = null: must be a release in phase "', phase, '": ', expr(`${d}.phase == "canary" ? ${literal(drainingRole('canary'))} : ${literal(drainingRole('promoted'))}`)),
    },
    {
      field: 'releases.<canary>',
      applies: `${current} && ${d}.phase == "canary" && ${d}.releases[${canary}] != null && ${d}.releases[${d}.stable] != null`,
      ok: `jsonencode(${d}.releases[${canary}]) != jsonencode(${d}.releases[${d}.stable])`,
      message: template('releases.', expr(canary), ' = ', expr(`jsonencode(${d}.releases[${canary}])`), ': must differ from the stable release: a canary of the release already serving is no canary'),
    },
    {
      field: 'weights',
      applies: `${names.shapeValid} && jsonencode(${d}.schemaVersion) == "1"`,
      ok: `${d}.weights.blue + ${d}.weights.green == 100`,
      message: template(
        'weights = ',
        expr(`jsonencode(${d}.weights)`),
        ': must sum to 100 percent (blue ',
        expr(`${d}.weights.blue`),
        ' + green ',
        expr(`${d}.weights.green`),
        ' = ',
        expr(`${d}.weights.blue + ${d}.weights.green`),
        ')',
      ),
    },
  ];
}

/** Every check: each field on its own, then the rules between fields (only for a document whose fields are valid). */
export function trafficStateChecks(names: TrafficStateHclNames): TrafficStateCheck[] {
  return [...shapeRules(names), ...invariantRules(names)].map(toCheck);
}
