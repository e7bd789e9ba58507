import { canaryColour, formatShare, otherColour, type FleetColour, type StoredTrafficState } from '@canaryfleet/traffic-state';
import { attributeChanges, type AttributeChange } from './attribute-diff';
import type { OutputChange } from './output-change';
import type { ResourceChange } from './resource-change';
import type { Review, StackReview } from './review';
import { SENSITIVE, UNKNOWN } from './sensitive';
import { describeCounts } from './summary';
import { decodeUserData, isUserData, lineDiff } from './user-data';

export interface RenderOptions {
  /**
   * Longest Markdown to return (a GitHub comment holds 65536 characters). When the full change lists do
   * not fit they are left out with a note; the risks and counts always stay.
   * @default 60000
   */
  readonly maxLength?: number;
}

/** Hidden first line of every review, by which CI finds and updates its previous comment for `environment`. */
export function reviewMarker(environment: string): string {
  return `<!-- canaryfleet-plan-review:${environment} -->`;
}

/** Longest printed value; longer ones (policy documents, user data) are cut, the risk rules have read them whole. */
const MAX_VALUE = 400;

/** Inline code that survives backticks and table pipes inside the text. */
function code(text: string): string {
  const fence = text.includes('`') ? '``' : '`';
  return `${fence}${text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ')}${fence}`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

function valueText(item: unknown): string {
  const text = JSON.stringify(item);
  return code(text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE)}…` : text);
}

function value(item: unknown): string {
  if (item === undefined) return '_(none)_';
  if (item === SENSITIVE || item === UNKNOWN) return `_${item}_`;
  return valueText(item);
}

function attributeLine(item: AttributeChange): string {
  const forces = item.forcesReplacement ? ' **(forces replacement)**' : '';
  if (item.before === undefined) return `  - ${code(item.path)} = ${value(item.after)}${forces}`;
  return `  - ${code(item.path)}: ${value(item.before)} → ${value(item.after)}${forces}`;
}

/** A fenced block inside a nested list item: indented to the item's text, fenced longer than any run of backticks in it. */
function fenced(language: string, lines: readonly string[]): string[] {
  const longest = Math.max(2, ...lines.map((line) => Math.max(0, ...(line.match(/`+/g) ?? []).map((run) => run.length))));
  const fence = '`'.repeat(longest + 1);
  return ['', ...[`${fence}${language}`, ...lines, fence].map((line) => `    ${line}`), ''];
}

/** User data as the instance reads it, as a line diff; `undefined` when it does not decode to text. */
function userDataLines(change: ResourceChange, item: AttributeChange): string[] | undefined {
  const before = item.before === undefined ? '' : decodeUserData(change.type, item.path, item.before);
  const after = item.after === undefined ? '' : decodeUserData(change.type, item.path, item.after);
  if (before === undefined || after === undefined) return undefined;
  return [`  - ${code(item.path)} (decoded, line diff):${item.forcesReplacement ? ' **(forces replacement)**' : ''}`, ...fenced('diff', lineDiff(before, after))];
}

function changeLines(change: ResourceChange): string[] {
  const kind = change.replacementUnknown ? 'update or replace' : change.kind;
  const unknown = change.replacementUnknown ? ' _(a synth diff cannot know whether this replaces it; a plan does)_' : '';
  const head = `- **${kind}** ${code(change.address)}${unknown}`;
  // A deleted resource is gone as a whole; listing its last attributes would only bury the line.
  if (change.kind === 'delete') return [head];
  const items = attributeChanges(change);
  // A new or replacing resource gets fresh ids, ARNs and defaults; name how many instead of listing them.
  const computed = change.kind === 'update' ? [] : items.filter((item) => item.after === UNKNOWN && !item.forcesReplacement);
  const lines = items
    .filter((item) => !computed.includes(item))
    .flatMap((item) => (isUserData(change.type, item.path) ? (userDataLines(change, item) ?? [attributeLine(item)]) : [attributeLine(item)]));
  if (computed.length > 0) lines.push(`  - _(${computed.length} more attribute${computed.length === 1 ? '' : 's'} known after apply)_`);
  return [head, ...lines];
}

/** Where requests go under a traffic state, in a sentence a reviewer reads. */
function whereTrafficGoes(stored: StoredTrafficState): string {
  if (stored.schemaVersion === 1) {
    const { legacy } = stored;
    const fleet = (colour: FleetColour) => `**${colour}** ${legacy.weights[colour]} % (${legacy.modelVersions[colour] === null ? '_no model_' : code(legacy.modelVersions[colour] as string)})`;
    return `schema version 1, which the rollout operator adopts on its next command: stable ${fleet(legacy.stable)}, canary ${fleet(otherColour(legacy.stable))}`;
  }
  const { state } = stored;
  const canary = canaryColour(state);
  const model = (colour: FleetColour) => code(state.releases[colour]?.modelVersion ?? '?');
  const stable = `stable **${state.stable}** (${model(state.stable)})`;
  const rollout = state.rolloutId === null ? '' : `, rollout ${code(state.rolloutId)}`;
  switch (state.phase) {
    case 'idle':
      return `idle, every request to ${stable}`;
    case 'canary':
      return `canary **${canary}** ${formatShare(state.canaryPerMille)} (${model(canary)}), stable **${state.stable}** ${formatShare(1000 - state.canaryPerMille)} (${model(state.stable)})${rollout}`;
    default:
      return `${state.phase}, every request to ${stable}; **${canary}** (${model(canary)}) drains${rollout}`;
  }
}

function trafficLines(stacks: readonly StackReview[]): string[] {
  return stacks.flatMap(({ stack, traffic }) => {
    const stored = traffic?.trafficState;
    if (!stored) return [];
    const { revision, updatedBy } = stored.schemaVersion === 1 ? stored.legacy : stored.state;
    const where = stacks.length > 1 ? ` in ${code(stack)}` : '';
    return [`Traffic now${where} (traffic state revision ${revision}, by ${cell(updatedBy)}): ${whereTrafficGoes(stored)}.`, ''];
  });
}

function driftSection(stacks: readonly StackReview[]): string[] {
  return stacks
    .filter((stack) => (stack.traffic?.drift.length ?? 0) > 0)
    .flatMap(({ stack, traffic }) => [
      `<details><summary>Changed outside Terraform in <code>${stack}</code>: ${traffic?.drift.length} (a rollout changes the traffic state; anything else deserves a look)</summary>`,
      '',
      ...(traffic?.drift ?? []).map((address) => `- ${code(address)}`),
      '',
      '</details>',
      '',
    ]);
}

function risksSection(review: Review): string[] {
  const rows = review.stacks.flatMap((stack) =>
    stack.risks.map((risk) => `| ${cell(stack.stack)} | ${code(risk.address)} | ${risk.attribute ? code(risk.attribute) : '_(resource)_'} | ${cell(risk.reason)} | ${risk.rule} |`),
  );
  if (rows.length === 0) return [];
  return [`#### Risks (${rows.length})`, '', '| Stack | Resource | Attribute | Why | Rule |', '| --- | --- | --- | --- | --- |', ...rows, ''];
}

function summarySection(review: Review): string[] {
  // A synth diff cannot tell an update from a replacement (see sourceLine).
  const synth = review.source === 'synth-diff';
  return [
    '#### Summary',
    '',
    `| Stack | Create | ${synth ? 'Update or replace' : 'Update | Replace'} | Delete | No-op | Outputs changed |`,
    `| --- | ---: | ${synth ? '---:' : '---: | ---:'} | ---: | ---: | ---: |`,
    ...review.stacks.map(
      ({ stack, counts, outputs }) => `| ${cell(stack)} | ${counts.create} | ${synth ? counts.update : `${counts.update} | ${counts.replace}`} | ${counts.delete} | ${counts.noOp} | ${outputs.length} |`,
    ),
    '',
  ];
}

function outputLine(output: OutputChange): string {
  const side = (value: unknown, sensitive: unknown, unknown?: unknown) => (sensitive === true ? `_${SENSITIVE}_` : unknown === true ? `_${UNKNOWN}_` : value === undefined || value === null ? '_(none)_' : valueText(value));
  if (output.kind === 'delete') return `- **delete** ${code(output.name)} (was ${side(output.before, output.beforeSensitive)})`;
  if (output.kind === 'create') return `- **create** ${code(output.name)} = ${side(output.after, output.afterSensitive, output.afterUnknown)}`;
  return `- **update** ${code(output.name)}: ${side(output.before, output.beforeSensitive)} → ${side(output.after, output.afterSensitive, output.afterUnknown)}`;
}

function outputsSection(stacks: readonly StackReview[]): string[] {
  return stacks
    .filter((stack) => stack.outputs.length > 0)
    .flatMap(({ stack, outputs }) => [
      `<details><summary>Output changes in <code>${stack}</code>: ${outputs.length} (the operator and other tools read outputs)</summary>`,
      '',
      ...outputs.map(outputLine),
      '',
      '</details>',
      '',
    ]);
}

function detailsSection(review: Review): string[] {
  const counts = (stack: StackReview) => (review.source === 'synth-diff' ? describeCounts(stack.counts).replace('to update', 'to update or replace') : describeCounts(stack.counts));
  return review.stacks
    .filter((stack) => stack.changes.length > 0)
    .flatMap((stack) => [
      `<details><summary>Changes in <code>${stack.stack}</code>: ${counts(stack)}</summary>`,
      '',
      ...stack.changes.flatMap(changeLines),
      '',
      '</details>',
      '',
    ]);
}

function headline(review: Review): string {
  const risks = review.stacks.reduce((n, stack) => n + stack.risks.length, 0);
  switch (review.outcome) {
    case 'risky-changes':
      return `**Risky changes:** ${risks} finding${risks === 1 ? '' : 's'} below need${risks === 1 ? 's' : ''} a reviewer's acknowledgement before apply.`;
    case 'changes':
      return '**Changes, none of them risky.**';
    default:
      return '**No changes.** The infrastructure matches the configuration.';
  }
}

function sourceLine(review: Review): string {
  if (review.source === 'plan') return 'From the saved plan of each stack (`terraform show -json`); this is what deploy applies.';
  return `From a **synth diff** against ${code(review.baseRef ?? '?')} (no credentials, so no plan): configuration only, no drift, and **no way to know which updates replace a resource** (that is in the provider's schema, which only a plan reads): each such resource says so below.`;
}

/** The review as Markdown for a pull-request comment: risks first, then counts, then the collapsed change list. */
export function renderReview(review: Review, options: RenderOptions = {}): string {
  const maxLength = options.maxLength ?? 60_000;
  const head = [reviewMarker(review.environment), `### Plan review: ${code(review.environment)}`, '', headline(review), '', sourceLine(review), ''];
  const body = [...trafficLines(review.stacks), ...risksSection(review), ...summarySection(review), ...driftSection(review.stacks), ...outputsSection(review.stacks)];
  const full = [...head, ...body, ...detailsSection(review)].join('\n');
  if (full.length <= maxLength) return full;
  const note = `_The change list (${full.length} characters) does not fit in ${maxLength}; it is in the review file of the plan artifact._`;
  return [...head, ...body, note, ''].join('\n').slice(0, maxLength);
}
