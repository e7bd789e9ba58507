import { isIpv6Cidr, parseIpv4Cidr } from './cidr';

/**
 * An ALB rule takes at most 5 condition values (ELB quota "Condition values per rule", not adjustable);
 * a header rule spends one on the header value, which leaves 4 for source CIDRs.
 */
export const MAX_HEADER_OVERRIDE_CIDRS = 4;

/** Why no header-override CIDR may be the whole internet. */
export const OPEN_CIDR_REASON =
  'anyone on the internet could pin themselves to an unvetted canary and push load onto its small fleet; list the networks of the people who test canaries';

/** An IPv4 block with no host bits, or an IPv6 block: what an ALB source-ip condition takes. */
export function isSourceCidr(cidr: string): boolean {
  return parseIpv4Cidr(cidr) !== undefined || isIpv6Cidr(cidr);
}

/** 0.0.0.0/0, ::/0 and any other block of prefix length 0. */
export function isWholeInternet(cidr: string): boolean {
  return /\/0+$/.test(cidr);
}
