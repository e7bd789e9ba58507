/** An IPv4 CIDR block as numbers, for overlap checks and subnet carving. */
export interface Ipv4Block {
  readonly base: number;
  readonly prefix: number;
}

const CIDR_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

export function parseCidr(cidr: string): Ipv4Block | undefined {
  const match = CIDR_PATTERN.exec(cidr);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  // A block whose address has host bits set is a typo terraform would reject later; refuse it now.
  if (address % size !== 0) return undefined;
  return { base: address, prefix };
}

export function formatCidr(block: Ipv4Block): string {
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(block.base / 2 ** shift) % 256);
  return `${octets.join('.')}/${block.prefix}`;
}

export function cidrsOverlap(a: Ipv4Block, b: Ipv4Block): boolean {
  const aEnd = a.base + 2 ** (32 - a.prefix);
  const bEnd = b.base + 2 ** (32 - b.prefix);
  return a.base < bEnd && b.base < aEnd;
}

/** The `index`-th block of `newPrefix` inside `block` (like terraform's cidrsubnet). */
export function subnetOf(block: Ipv4Block, newPrefix: number, index: number): Ipv4Block {
  return { base: block.base + index * 2 ** (32 - newPrefix), prefix: newPrefix };
}
