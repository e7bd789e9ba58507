import { IPv4CidrRange, IPv4Prefix, Validator } from 'ip-num';

/**
 * An IPv4 network block written canonically (network address, no host bits, no leading zeros), or
 * undefined: a block with host bits set is a typo terraform would reject later, so it is refused now.
 */
export function parseIpv4Cidr(cidr: string): IPv4CidrRange | undefined {
  if (!Validator.isValidIPv4CidrRange(cidr)[0]) return undefined;
  const range = IPv4CidrRange.fromCidr(cidr);
  return range.toCidrString() === cidr ? range : undefined;
}

/** An IPv6 network block without host bits, as an ALB source-ip condition takes it. */
export function isIpv6Cidr(cidr: string): boolean {
  return Validator.isValidIPv6CidrRange(cidr)[0];
}

export function cidrsOverlap(a: IPv4CidrRange, b: IPv4CidrRange): boolean {
  return a.isOverlapping(b);
}

/** `block` split into consecutive blocks of `prefix` bits, in address order (terraform's cidrsubnets of equal size). */
export function splitCidr(block: IPv4CidrRange, prefix: number): string[] {
  return block.splitInto(IPv4Prefix.fromNumber(BigInt(prefix))).map((range) => range.toCidrString());
}
