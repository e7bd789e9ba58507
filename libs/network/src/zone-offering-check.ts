import { DataAwsEc2InstanceTypeOfferings } from '@cdktf/provider-aws/lib/data-aws-ec2-instance-type-offerings';
import { Construct } from 'constructs';

export interface ZoneOfferingCheckProps {
  /** Environment name, for the message. */
  readonly environment: string;
  /** The configured availability zones. */
  readonly zones: readonly string[];
  /** Every instance type the fleets launch. */
  readonly instanceTypes: readonly string[];
}

/** HCL list literal of strings. */
function hclList(values: readonly string[]): string {
  return `[${values.map((value) => JSON.stringify(value)).join(', ')}]`;
}

/**
 * Refuses a plan whose zones do not all offer the fleets' instance types (GPU types are offered in
 * some zones of a region only): one DescribeInstanceTypeOfferings per type, and a postcondition whose
 * message names the zones without it, the type and the fields to change.
 */
export class ZoneOfferingCheck extends Construct {
  readonly offerings: Record<string, DataAwsEc2InstanceTypeOfferings>;

  constructor(scope: Construct, id: string, props: ZoneOfferingCheckProps) {
    super(scope, id);
    const zones = hclList([...props.zones].sort());
    this.offerings = Object.fromEntries(
      [...new Set(props.instanceTypes)].map((instanceType) => {
        const missing = `setsubtract(${zones}, self.locations)`;
        const offerings = new DataAwsEc2InstanceTypeOfferings(this, instanceType, {
          locationType: 'availability-zone',
          filter: [
            { name: 'instance-type', values: [instanceType] },
            { name: 'location', values: [...props.zones].sort() },
          ],
          lifecycle: {
            postcondition: [
              {
                condition: `\${length(${missing}) == 0}`,
                errorMessage: `network.availabilityZones of ${props.environment}: \${join(", ", sort(${missing}))} do not offer instance type ${instanceType} (fleet.instanceType). Choose zones that offer it: aws ec2 describe-instance-type-offerings --location-type availability-zone --filters Name=instance-type,Values=${instanceType}`,
              },
            ],
          },
        });
        offerings.overrideLogicalId(`zone_offerings_${instanceType.replace(/\./g, '_')}`);
        return [instanceType, offerings];
      }),
    );
  }
}
