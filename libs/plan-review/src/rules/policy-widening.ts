import { policyStatements, wildcardMatches, type PolicyStatement } from '../policy-document';
import { attribute, producesResource, type Risk, type RiskRule } from '../risk';

/**
 * The attribute that holds who may do what to a resource: a role's trust policy and the resource
 * policies of buckets, keys and topics (inline, or as their own resource).
 */
const POLICY_ATTRIBUTE: Readonly<Record<string, string>> = {
  aws_iam_role: 'assume_role_policy',
  aws_s3_bucket_policy: 'policy',
  aws_s3_bucket: 'policy',
  aws_kms_key: 'policy',
  aws_kms_key_policy: 'policy',
  aws_sns_topic: 'policy',
  aws_sns_topic_policy: 'policy',
};

/** Policies that are resources of their own: deleting one drops its Deny statements too. */
const STANDALONE = new Set(['aws_s3_bucket_policy', 'aws_kms_key_policy', 'aws_sns_topic_policy']);

/** One principal allowed one action on one resource, under a set of conditions. */
interface Grant {
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly conditions: readonly string[];
}

function grants(statements: readonly PolicyStatement[]): Grant[] {
  return statements
    .filter((statement) => statement.effect === 'Allow' && !statement.notPrincipal && !statement.notAction && !statement.notResource)
    .flatMap((statement) =>
      statement.principals.flatMap((principal) =>
        statement.actions.flatMap((action) => (statement.resources.length ? statement.resources : ['']).map((resource) => ({ principal, action, resource, conditions: statement.conditions }))),
      ),
    );
}

/** Whether `wide` allows at least everything `narrow` allows: same or wildcard principal, action, resource, and no condition `narrow` lacks. */
function covers(wide: Grant, narrow: Grant): boolean {
  return (
    (wide.principal === '*' || wide.principal === narrow.principal) &&
    wildcardMatches(wide.action, narrow.action, true) &&
    wildcardMatches(wide.resource, narrow.resource) &&
    wide.conditions.every((condition) => narrow.conditions.includes(condition))
  );
}

const describePrincipal = (principal: string) => (principal === '*' ? 'anyone (Principal "*")' : principal);
const onResource = (resource: string) => (resource ? ` on ${resource}` : '');

function widenings(before: readonly PolicyStatement[], after: readonly PolicyStatement[]): string[] {
  const old = grants(before);
  const reasons = grants(after)
    .filter((grant) => !old.some((previous) => covers(previous, grant)))
    .map((grant) => {
      const same = old.find((previous) => previous.principal === grant.principal && previous.action === grant.action && previous.resource === grant.resource);
      if (same) {
        const dropped = same.conditions.filter((condition) => !grant.conditions.includes(condition));
        return `${describePrincipal(grant.principal)} may ${grant.action}${onResource(grant.resource)} without condition ${dropped.join(' and ')}`;
      }
      const unconditioned = grant.conditions.length === 0 ? '' : ` (if ${grant.conditions.join(' and ')})`;
      return `newly allows ${describePrincipal(grant.principal)} to ${grant.action}${onResource(grant.resource)}${unconditioned}`;
    });
  const negated = after.filter((s) => s.effect === 'Allow' && (s.notPrincipal || s.notAction || s.notResource)).length;
  const negatedBefore = before.filter((s) => s.effect === 'Allow' && (s.notPrincipal || s.notAction || s.notResource)).length;
  if (negated > negatedBefore) reasons.push('allows with NotPrincipal, NotAction or NotResource: everything not listed is granted');
  // A Deny that is gone or changed no longer stops what it stopped (for example a TLS-only Deny).
  const denies = (statements: readonly PolicyStatement[]) => statements.filter((s) => s.effect === 'Deny').map((s) => JSON.stringify(s));
  const kept = new Set(denies(after));
  for (const deny of denies(before).filter((deny) => !kept.has(deny))) {
    const statement = JSON.parse(deny) as PolicyStatement;
    reasons.push(`no longer denies ${statement.sid ? `(${statement.sid}) ` : ''}${statement.actions.join(', ')}${statement.conditions.length ? ` if ${statement.conditions.join(' and ')}` : ''}`);
  }
  return [...new Set(reasons)];
}

/** Trust and resource policies that let more principals do more, or drop a condition or a Deny. */
export const policyWideningRules: RiskRule = (change) => {
  const field = POLICY_ATTRIBUTE[change.type];
  if (!field) return [];
  const deleted = change.kind === 'delete' && STANDALONE.has(change.type);
  if (!deleted && !producesResource(change)) return [];
  const after = deleted ? [] : policyStatements(attribute(change.after, field));
  // Not known yet (known after apply, or a reference in a synth diff): nothing to compare.
  if (!after) return [];
  const before = change.kind === 'create' ? [] : policyStatements(attribute(change.before, field));
  if (!before) return [];
  return widenings(before, after).map((reason): Risk => ({ rule: 'policy-widening', address: change.address, attribute: field, reason }));
};
