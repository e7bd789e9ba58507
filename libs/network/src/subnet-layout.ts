import { MAX_ZONE_SLOT, parseIpv4Cidr, PropError, splitCidr } from '@canaryfleet/config';

/** The subnets of one availability zone: its slot fixes both CIDR blocks and the Terraform addresses. */
export interface ZoneSubnets {
  readonly zone: string;
  readonly slot: number;
  readonly publicCidr: string;
  readonly privateCidr: string;
}

/**
 * Subnet CIDRs by zone, in slot order. The VPC splits into 8 equal blocks: block `slot` is the zone's
 * public subnet and block 4 + `slot` its private one, so adding, replacing or retiring a zone never
 * renumbers (and so never replaces) another zone's subnets.
 */
export function subnetLayout(vpcCidr: string, zones: Readonly<Record<string, number>>): ZoneSubnets[] {
  const vpc = parseIpv4Cidr(vpcCidr);
  if (!vpc) throw new PropError(`network.vpcCidr = ${JSON.stringify(vpcCidr)}: must be an IPv4 CIDR block like 10.20.0.0/16`);
  const entries = Object.entries(zones).sort(([, a], [, b]) => a - b);
  if (entries.length < 2 || entries.length > MAX_ZONE_SLOT + 1) {
    throw new PropError(`network.availabilityZones: ${entries.length} given: must name 2 to ${MAX_ZONE_SLOT + 1} zones (an ALB needs subnets in at least 2 availability zones)`);
  }
  for (const [index, [zone, slot]] of entries.entries()) {
    if (!Number.isInteger(slot) || slot < 0 || slot > MAX_ZONE_SLOT) {
      throw new PropError(`network.availabilityZones.${zone} = ${slot}: must be a subnet slot from 0 to ${MAX_ZONE_SLOT}`);
    }
    if (index > 0 && entries[index - 1][1] === slot) {
      throw new PropError(`network.availabilityZones.${zone} = ${slot}: must not share its subnet slot with ${entries[index - 1][0]}`);
    }
  }
  const blocks = splitCidr(vpc, Number(vpc.cidrPrefix.getValue()) + 3);
  return entries.map(([zone, slot]) => ({ zone, slot, publicCidr: blocks[slot], privateCidr: blocks[MAX_ZONE_SLOT + 1 + slot] }));
}
