import { DescribeInstancesCommand, DescribeNatGatewaysCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { paginateGetResources, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { PROJECT } from '@canaryfleet/config';
import { loadEnvironmentConfig } from '../cdktf/environment-config';
import { localAwsClientConfig, type LocalAws } from './moto';

/**
 * ARNs of the resources of an environment's stack still on the local AWS: everything carrying its
 * default tags (Project, Environment; Resource Groups Tagging API) but its state buckets, which belong
 * to the bootstrap stack and hold the environment's state, less what AWS keeps listing after deletion:
 * deleted NAT gateways, terminated instances, KMS keys pending deletion. The tagging API does not cover
 * Auto Scaling groups, IAM or launch templates.
 */
export async function remainingStackResources(aws: LocalAws, environment: string): Promise<string[]> {
  const stateBuckets = `arn:aws:s3:::${loadEnvironmentConfig(environment).stateBackend.bucket}`;
  const config = localAwsClientConfig(aws);
  const tagging = new ResourceGroupsTaggingAPIClient(config);
  const ec2 = new EC2Client(config);
  const kms = new KMSClient(config);
  try {
    const tagged: string[] = [];
    const filters = [
      { Key: 'Project', Values: [PROJECT] },
      { Key: 'Environment', Values: [environment] },
    ];
    for await (const page of paginateGetResources({ client: tagging }, { TagFilters: filters })) {
      tagged.push(...(page.ResourceTagMappingList ?? []).flatMap((r) => (r.ResourceARN ? [r.ResourceARN] : [])));
    }
    const remaining: string[] = [];
    for (const arn of tagged.filter((a) => !a.startsWith(stateBuckets))) {
      if (!(await deletedButListed(arn, ec2, kms))) remaining.push(arn);
    }
    return remaining;
  } finally {
    tagging.destroy();
    ec2.destroy();
    kms.destroy();
  }
}

async function deletedButListed(arn: string, ec2: EC2Client, kms: KMSClient): Promise<boolean> {
  const id = arn.slice(arn.lastIndexOf('/') + 1);
  if (arn.includes(':natgateway/')) {
    const { NatGateways } = await ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [id] }));
    return NatGateways?.[0]?.State === 'deleted';
  }
  if (arn.includes(':instance/')) {
    const { Reservations } = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
    return Reservations?.[0]?.Instances?.[0]?.State?.Name === 'terminated';
  }
  if (arn.startsWith('arn:aws:kms:')) {
    const { KeyMetadata } = await kms.send(new DescribeKeyCommand({ KeyId: id }));
    return KeyMetadata?.KeyState === 'PendingDeletion';
  }
  return false;
}
