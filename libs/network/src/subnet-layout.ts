import { formatCidr, parseCidr, subnetOf } from '@canaryfleet/config';

/** Up to 4 AZs: the VPC splits into 8 equal blocks, public subnets first, then private ones. */
export const MAX_AZS = 4;

export interface SubnetLayout {
  readonly publicCidrs: readonly string[];
  readonly privateCidrs: readonly string[];
}

/**
 * Subnet CIDRs by AZ index. Block i is always public subnet i and block 4+i private subnet i, so
 * adding an AZ later never renumbers (and so never replaces) an existing subnet.
 */
export function subnetLayout(vpcCidr: string, azCount: number): SubnetLayout {
  const vpc = parseCidr(vpcCidr);
  if (!vpc) throw new Error(`network.vpcCidr = ${JSON.stringify(vpcCidr)}: must be an IPv4 CIDR block like 10.20.0.0/16`);
  if (!Number.isInteger(azCount) || azCount < 2 || azCount > MAX_AZS) {
    throw new Error(`network.azCount = ${azCount}: must be an integer from 2 to ${MAX_AZS} (an ALB needs subnets in at least 2 availability zones)`);
  }
  const prefix = vpc.prefix + 3;
  const indexes = Array.from({ length: azCount }, (_, i) => i);
  return {
    publicCidrs: indexes.map((i) => formatCidr(subnetOf(vpc, prefix, i))),
    privateCidrs: indexes.map((i) => formatCidr(subnetOf(vpc, prefix, MAX_AZS + i))),
  };
}
