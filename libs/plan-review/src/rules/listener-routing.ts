import { attributeChanges } from '../attribute-diff';
import { attribute, list, show, type Risk, type RiskRule } from '../risk';
import type { ResourceChange } from '../resource-change';
import { child } from '../sensitive';

const ACTION_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  aws_lb_listener: ['default_action'],
  aws_lb_listener_rule: ['action', 'condition'],
};

const NEW_TARGET_GROUP = '(new target group)';

/**
 * Names a forward target by its target group's name, so a weight line reads "stable 100 → 90" and a
 * replaced target group (new ARN, same name) is not reported as a routing change.
 */
function targetLabel(arn: unknown, unknown: boolean, all: readonly ResourceChange[]): string {
  if (typeof arn === 'string') {
    const fromArn = /:targetgroup\/([^/]+)\//.exec(arn)?.[1];
    if (fromArn) return fromArn;
    // Synth diff: a reference such as ${aws_lb_target_group.stable.arn}.
    const reference = /^\$\{(aws_lb_target_group\.[^.}]+)\.arn\}$/.exec(arn)?.[1];
    const referenced = all.find((change) => change.address === reference);
    const name = attribute(referenced?.after ?? referenced?.before, 'name');
    if (typeof name === 'string' && !name.includes('${')) return name;
    if (reference) return reference;
    return arn;
  }
  if (unknown) {
    // The ARN of a target group created in this plan is unknown; when only one is, it is that one.
    const created = all.filter((change) => change.type === 'aws_lb_target_group' && (change.kind === 'create' || change.kind === 'replace'));
    const name = created.length === 1 ? attribute(created[0].after, 'name') : undefined;
    if (typeof name === 'string') return name;
  }
  return NEW_TARGET_GROUP;
}

function weights(action: unknown, unknownAction: unknown, all: readonly ResourceChange[]): Map<string, unknown> {
  const forward = list(action, 'forward')[0];
  const unknownGroups = child(child(child(unknownAction, 'forward'), 0), 'target_group');
  return new Map(
    list(forward, 'target_group').map((group, i) => {
      const arnUnknown = child(child(unknownGroups, i), 'arn') === true;
      return [targetLabel(attribute(group, 'arn'), arnUnknown, all), attribute(group, 'weight')];
    }),
  );
}

function weightChange(before: Map<string, unknown>, after: Map<string, unknown>): string | undefined {
  const labels = [...new Set([...before.keys(), ...after.keys()])].sort();
  const changed = labels.filter((label) => before.get(label) !== after.get(label));
  if (changed.length === 0) return undefined;
  return changed.map((label) => `${label} ${before.has(label) ? show(before.get(label)) : '(none)'} → ${after.has(label) ? show(after.get(label)) : '(removed)'}`).join(', ');
}

/** Changes to what a listener does with traffic: forward weights, action types and targets, rule conditions. */
export const listenerRoutingRules: RiskRule = (change, all) => {
  const fields = ACTION_ATTRIBUTES[change.type];
  if (!fields) return [];
  if (change.kind === 'create') {
    // A rule added to a listener that already exists reroutes live traffic; on a new listener it is topology.
    if (change.type !== 'aws_lb_listener_rule' || child(change.afterUnknown, 'listener_arn') === true) return [];
    // Synth diff: the listener is a reference; it is new when the referenced listener is created too.
    const listener = /^\$\{(aws_lb_listener\.[^.}]+)\.arn\}$/.exec(String(attribute(change.after, 'listener_arn')))?.[1];
    if (all.some((other) => other.address === listener && other.kind === 'create')) return [];
    return [{ rule: 'listener-routing', address: change.address, reason: `new rule (priority ${show(attribute(change.after, 'priority'))}) on a listener that serves traffic` }];
  }
  if (change.kind !== 'update' && change.kind !== 'replace') return [];
  const risks: Risk[] = [];
  const actionField = fields[0];
  const afterActions = list(change.after, actionField);
  list(change.before, actionField).forEach((beforeAction, i) => {
    const unknownAction = child(child(change.afterUnknown, actionField), i);
    const moved = weightChange(weights(beforeAction, undefined, all), weights(afterActions[i], unknownAction, all));
    if (moved) risks.push({ rule: 'listener-routing', address: change.address, attribute: `${actionField}[${i}].forward[0].target_group`, reason: `weights: ${moved}` });
  });
  // Everything else in the actions and conditions; target group membership is covered by the weights.
  const other = attributeChanges(change).filter(
    (item) => fields.some((field) => item.path.startsWith(`${field}[`)) && !/\.forward(\[\d+\])?\.target_group\b/.test(item.path),
  );
  const byField = new Map<string, string[]>();
  for (const item of other) {
    const top = /^[a-z_]+\[\d+\]/.exec(item.path)?.[0] ?? item.path;
    byField.set(top, [...(byField.get(top) ?? []), `${item.path.slice(top.length + 1) || top}: ${show(item.before)} → ${show(item.after)}`]);
  }
  for (const [top, lines] of byField) risks.push({ rule: 'listener-routing', address: change.address, attribute: top, reason: `changed ${lines.join('; ')}` });
  return risks;
};
