import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface AwsClientOptions {
  readonly region: string;
  /** The local environment's moto (`http://127.0.0.1:PORT`); unset on AWS. */
  readonly endpoint?: string;
  /** Attempts per call, retries included (the SDK's adaptive retry mode backs off and rate-limits). @default 6 */
  readonly maxAttempts?: number;
  /** Explicit credentials (the local moto's fixed fake ones); unset: the SDK's default provider chain. */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
}

/** The operator's AWS SDK v3 clients: the same ones for AWS and for moto, only the endpoint differs (DESIGN.md #8). */
export interface AwsClients {
  readonly ssm: SSMClient;
  readonly elbv2: ElasticLoadBalancingV2Client;
  readonly autoScaling: AutoScalingClient;
  readonly cloudWatch: CloudWatchClient;
  readonly dynamoDb: DynamoDBClient;
  readonly documents: DynamoDBDocumentClient;
  readonly sns: SNSClient;
  /** Model artifacts (preflight: a release must have them). */
  readonly s3: S3Client;
}

/** Per attempt; with 6 attempts and the adaptive mode's backoff (at most 20 s each) a call ends within ~180 s. */
export const REQUEST_TIMEOUT_MS = 10_000;
export const CONNECTION_TIMEOUT_MS = 3_000;

export function createAwsClients(options: AwsClientOptions): AwsClients {
  // Throttling and transient errors retry in the SDK with backoff (safety rule 6), never in our loops.
  // Request and connection timeouts bound how long an in-flight write can still land (ADR 0012).
  const config = { region: options.region, retryMode: 'adaptive', maxAttempts: options.maxAttempts ?? 6, requestHandler: { requestTimeout: REQUEST_TIMEOUT_MS, connectionTimeout: CONNECTION_TIMEOUT_MS }, ...(options.endpoint ? { endpoint: options.endpoint } : {}), ...(options.credentials ? { credentials: options.credentials } : {}) };
  const dynamoDb = new DynamoDBClient(config);
  return {
    ssm: new SSMClient(config),
    elbv2: new ElasticLoadBalancingV2Client(config),
    autoScaling: new AutoScalingClient(config),
    cloudWatch: new CloudWatchClient(config),
    dynamoDb,
    documents: DynamoDBDocumentClient.from(dynamoDb, { marshallOptions: { removeUndefinedValues: true } }),
    sns: new SNSClient(config),
    // moto serves buckets by path, not by virtual host.
    s3: new S3Client({ ...config, forcePathStyle: options.endpoint !== undefined }),
  };
}

/** Every client, for middleware that applies to all calls (tests inject faults this way). */
export function everyClient(clients: AwsClients): { readonly middlewareStack: DynamoDBClient['middlewareStack'] }[] {
  return [clients.ssm, clients.elbv2, clients.autoScaling, clients.cloudWatch, clients.dynamoDb, clients.sns] as unknown as { readonly middlewareStack: DynamoDBClient['middlewareStack'] }[];
}

export function destroyAwsClients(clients: AwsClients): void {
  for (const client of [clients.ssm, clients.elbv2, clients.autoScaling, clients.cloudWatch, clients.dynamoDb, clients.sns, clients.s3]) client.destroy();
}

const CREDENTIAL_ERRORS = new Set(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired', 'InvalidClientTokenId', 'UnrecognizedClientException', 'CredentialsProviderError', 'TokenRefreshRequired']);

/** Credentials that expired or vanished: the controller stops cleanly; `canary resume` continues with fresh ones. */
export function isCredentialsError(error: unknown): boolean {
  return error instanceof Error && CREDENTIAL_ERRORS.has(error.name);
}
