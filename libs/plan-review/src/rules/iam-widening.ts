import { policyStatements } from '../policy-document';
import { attribute, list, producesResource, type Risk, type RiskRule } from '../risk';
import type { ResourceChange } from '../resource-change';

interface Grants {
  readonly actions: Set<string>;
  /** Actions allowed on Resource "*". */
  readonly onEveryResource: Set<string>;
  readonly negated: boolean;
}

/** The Allow grants of policy documents; documents that are not JSON yet (unknown, tokens) grant nothing known. */
function grants(documents: readonly unknown[]): Grants {
  const actions = new Set<string>();
  const onEveryResource = new Set<string>();
  let negated = false;
  for (const statement of documents.flatMap((document) => policyStatements(document) ?? [])) {
    if (statement.effect !== 'Allow') continue;
    if (statement.notAction || statement.notResource) negated = true;
    if (statement.notAction) continue;
    const everyResource = !statement.notResource && statement.resources.includes('*');
    for (const action of statement.actions) {
      actions.add(action);
      if (everyResource) onEveryResource.add(action);
    }
  }
  return { actions, onEveryResource, negated };
}

const POLICY_TYPES = new Set(['aws_iam_policy', 'aws_iam_role_policy', 'aws_iam_user_policy', 'aws_iam_group_policy']);
const ATTACHMENT_TYPES = new Set(['aws_iam_role_policy_attachment', 'aws_iam_user_policy_attachment', 'aws_iam_group_policy_attachment', 'aws_iam_policy_attachment']);

function policyDocuments(value: unknown, type: string): { attribute: string; documents: unknown[] } {
  if (type === 'aws_iam_role') return { attribute: 'inline_policy', documents: list(value, 'inline_policy').map((inline) => attribute(inline, 'policy')) };
  return { attribute: 'policy', documents: [attribute(value, 'policy')] };
}

function widening(change: ResourceChange): Risk[] {
  const before = grants(policyDocuments(change.before, change.type).documents);
  const { attribute: path, documents } = policyDocuments(change.after, change.type);
  const after = grants(documents);
  const risks: Risk[] = [];
  const added = [...after.actions].filter((action) => !before.actions.has(action)).sort();
  if (added.length > 0) risks.push({ rule: 'iam-widening', address: change.address, attribute: path, reason: `allows new actions: ${added.join(', ')}` });
  const everywhere = [...after.onEveryResource].filter((action) => !before.onEveryResource.has(action)).sort();
  if (everywhere.length > 0) risks.push({ rule: 'iam-widening', address: change.address, attribute: path, reason: `allows on Resource "*": ${everywhere.join(', ')}` });
  if (after.negated && !before.negated) risks.push({ rule: 'iam-widening', address: change.address, attribute: path, reason: 'allows with NotAction or NotResource: everything not listed is granted' });
  return risks;
}

/** IAM grants that widen: new allowed actions, actions newly allowed on every resource, managed policies attached. */
export const iamWideningRules: RiskRule = (change) => {
  if (!producesResource(change)) return [];
  if (POLICY_TYPES.has(change.type) || change.type === 'aws_iam_role') return widening(change);
  if (ATTACHMENT_TYPES.has(change.type)) {
    const arn = attribute(change.after, 'policy_arn');
    if (change.kind !== 'create' && arn === attribute(change.before, 'policy_arn')) return [];
    return [{ rule: 'iam-widening', address: change.address, attribute: 'policy_arn', reason: `attaches managed policy ${typeof arn === 'string' ? arn : '(known after apply)'}` }];
  }
  return [];
};
