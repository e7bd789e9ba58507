import { BlockList, isIPv6 } from 'node:net';
import type { RuleCondition } from '@aws-sdk/client-elastic-load-balancing-v2';

/** What listener-rule conditions look at in a request. */
export interface RequestFacts {
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  /** Header values by lower-case name; a header sent several times has several values. */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** The address the connection came from (ALB ignores X-Forwarded-For for source-ip). */
  readonly sourceIp: string;
}

const patterns = new Map<string, RegExp>();

/**
 * ALB's value match: `*` matches zero or more characters, `?` exactly one, everything else literally;
 * the whole value must match.
 */
export function wildcardMatches(pattern: string, value: string, caseInsensitive: boolean): boolean {
  const key = `${caseInsensitive ? 'i' : 's'}${pattern}`;
  let regex = patterns.get(key);
  if (!regex) {
    const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    regex = new RegExp(`^${source}$`, caseInsensitive ? 'is' : 's');
    patterns.set(key, regex);
  }
  return regex.test(value);
}

function headerValues(facts: RequestFacts, name: string): readonly string[] {
  const value = facts.headers[name.toLowerCase()];
  return value === undefined ? [] : typeof value === 'string' ? [value] : value;
}

function inCidrs(address: string, cidrs: readonly string[]): boolean {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [network, prefix] = cidr.split('/');
    list.addSubnet(network, Number(prefix), isIPv6(network) ? 'ipv6' : 'ipv4');
  }
  const plain = address.replace(/^::ffff:/, '');
  return list.check(plain, isIPv6(plain) ? 'ipv6' : 'ipv4');
}

/** Whether one condition holds: any of its values matches (OR). */
export function conditionMatches(condition: RuleCondition, facts: RequestFacts): boolean {
  switch (condition.Field) {
    case 'http-header': {
      const config = condition.HttpHeaderConfig;
      // Header names are case-insensitive; values too, with wildcards; a repeated header matches if any occurrence does.
      return headerValues(facts, config?.HttpHeaderName ?? '').some((v) => (config?.Values ?? []).some((p) => wildcardMatches(p, v, true)));
    }
    case 'source-ip':
      return inCidrs(facts.sourceIp, condition.SourceIpConfig?.Values ?? condition.Values ?? []);
    case 'path-pattern':
      // Paths are case-sensitive.
      return (condition.PathPatternConfig?.Values ?? condition.Values ?? []).some((p) => wildcardMatches(p, facts.path, false));
    case 'host-header': {
      const host = (headerValues(facts, 'host')[0] ?? '').replace(/:\d+$/, '');
      return (condition.HostHeaderConfig?.Values ?? condition.Values ?? []).some((p) => wildcardMatches(p, host, true));
    }
    case 'http-request-method':
      // Methods are case-sensitive and without wildcards.
      return (condition.HttpRequestMethodConfig?.Values ?? condition.Values ?? []).includes(facts.method);
    default:
      throw new Error(`listener rule condition "${condition.Field}" is not emulated by the local ALB stand-in (docs/local-aws.md)`);
  }
}

/** A rule matches when every one of its conditions holds (AND); the default rule has none. */
export function ruleMatches(conditions: readonly RuleCondition[], facts: RequestFacts): boolean {
  return conditions.every((condition) => conditionMatches(condition, facts));
}
