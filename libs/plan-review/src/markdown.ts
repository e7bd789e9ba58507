import { canaryColour, formatShare, otherColour, type FleetColour, type StoredTrafficState } from '@canaryfleet/traffic-state';
import { attributeChanges, type AttributeChange } from './attribute-diff';
import type { ResourceChange } from './resource-change';
import type { Review, StackReview } from './review';
import { SENSITIVE, UNKNOWN } from './sensitive';
import { describeCounts } from './summary';

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

function value(item: unknown): string {
  if (item === undefined) return '_(none)_';
  if (item === SENSITIVE || item === UNKNOWN) return `_${item}_`;
  const text = JSON.stringify(item);
  return code(text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE)}…` : text);
}

function attributeLine(item: AttributeChange): string {
  const forces = item.forcesReplacement ? ' **(forces replacement)**' : '';
  if (item.before === undefined) return `  - ${code(item.path)} = ${value(item.after)}${forces}`;
  return `  - ${code(item.path)}: ${value(item.before)} → ${value(item.after)}${forces}`;
}

function changeLines(change: ResourceChange): string[] {
  const head = `- **${change.kind}** ${code(change.address)}`;
  // A deleted resource is gone as a whole; listing its last attributes would only bury the line.
  if (change.kind === 'delete') return [head];
  const items = attributeChanges(change);
  // A new or replacing resource gets fresh ids, ARNs and defaults; name how many instead of listing them.
  const computed = change.kind === 'update' ? [] : items.filter((item) => item.after === UNKNOWN && !item.forcesReplacement);
  const lines = items.filter((item) => !computed.includes(item)).map(attributeLine);
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

function summarySection(stacks: readonly StackReview[]): string[] {
  return [
    '#### Summary',
    '',
    '| Stack | Create | Update | Replace | Delete | No-op |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...stacks.map(({ stack, counts }) => `| ${cell(stack)} | ${counts.create} | ${counts.update} | ${counts.replace} | ${counts.delete} | ${counts.noOp} |`),
    '',
  ];
}

function detailsSection(stacks: readonly StackReview[]): string[] {
  return stacks
    .filter((stack) => stack.changes.length > 0)
    .flatMap((stack) => [
      `<details><summary>Changes in <code>${stack.stack}</code>: ${describeCounts(stack.counts)}</summary>`,
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
  return `From a **synth diff** against ${code(review.baseRef ?? '?')} (no credentials, so no plan): configuration only, no drift, replacements judged from known replace-forcing attributes.`;
}

/** The review as Markdown for a pull-request comment: risks first, then counts, then the collapsed change list. */
export function renderReview(review: Review, options: RenderOptions = {}): string {
  const maxLength = options.maxLength ?? 60_000;
  const head = [reviewMarker(review.environment), `### Plan review: ${code(review.environment)}`, '', headline(review), '', sourceLine(review), ''];
  const body = [...trafficLines(review.stacks), ...risksSection(review), ...summarySection(review.stacks), ...driftSection(review.stacks)];
  const full = [...head, ...body, ...detailsSection(review.stacks)].join('\n');
  if (full.length <= maxLength) return full;
  const note = `_The change list (${full.length} characters) does not fit in ${maxLength}; it is in the review file of the plan artifact._`;
  return [...head, ...body, note, ''].join('\n').slice(0, maxLength);
}
