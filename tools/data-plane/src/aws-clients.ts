import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import { LOCAL_REGION, localAwsEnv } from '@canaryfleet/tools';

/** The AWS SDK v3 clients of the data plane, all pointed at one moto endpoint on loopback. */
export interface AwsClients {
  readonly elbv2: ElasticLoadBalancingV2Client;
  readonly autoScaling: AutoScalingClient;
  readonly ssm: SSMClient;
  readonly cloudWatch: CloudWatchClient;
  readonly s3: S3Client;
  destroy(): void;
}

export function awsClients(endpoint: string): AwsClients {
  const env = localAwsEnv(endpoint);
  const config = {
    endpoint,
    region: LOCAL_REGION,
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, sessionToken: env.AWS_SESSION_TOKEN },
    maxAttempts: 5,
  };
  const clients = {
    elbv2: new ElasticLoadBalancingV2Client(config),
    autoScaling: new AutoScalingClient(config),
    ssm: new SSMClient(config),
    cloudWatch: new CloudWatchClient(config),
    s3: new S3Client({ ...config, forcePathStyle: true }),
  };
  return { ...clients, destroy: () => Object.values(clients).forEach((client) => client.destroy()) };
}
