// Bootstrap and deploy of the `local` environment with the two overlapping, for `local:up` and the
// benchmarks' deployments. The environment's deploy needs its state bucket, not the bucket's lifecycle
// rules, and the AWS provider waits about a minute after writing lifecycle rules (three matching reads
// 10 s apart, then a stability read), on moto as on AWS: a third of `local:up` spent idle. So the
// deploy starts as soon as the bucket exists with versioning and encryption on, while the bootstrap
// finishes; both must succeed.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { GetBucketEncryptionCommand, GetBucketVersioningCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';

export interface LocalDeploySteps {
  /** Synthesizes an app where the terraform tools read it. */
  synth(app: 'bootstrap' | 'local'): void;
  /** Where synth writes the environment's stack (its cdk.tf.json names the state bucket). */
  readonly localStackDir: string;
  /** Runs tools/<script> to completion; rejects on a non-zero exit. */
  run(script: string, args: readonly string[]): Promise<unknown>;
  /** The moto the environment deploys to. */
  readonly aws: { readonly endpoint: string; readonly env: Readonly<Record<string, string>> };
}

const POLL_MS = 250;

/** The bucket a synthesized stack keeps its state in: its S3 backend, exactly what its deploy writes to. */
function backendBucket(stackDir: string): string {
  const file = path.join(stackDir, 'cdk.tf.json');
  const stack = JSON.parse(readFileSync(file, 'utf8')) as { terraform?: { backend?: { s3?: { bucket?: unknown } } } };
  const bucket = stack.terraform?.backend?.s3?.bucket;
  if (typeof bucket !== 'string') throw new Error(`local: ${file} has no S3 backend bucket`);
  return bucket;
}

/** Whether the state bucket is what the backend may write to: present, versioned, encrypted. */
async function stateBucketReady(s3: S3Client, bucket: string): Promise<boolean> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    const versioning = await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }));
    if (versioning.Status !== 'Enabled') return false;
    const encryption = await s3.send(new GetBucketEncryptionCommand({ Bucket: bucket }));
    return (encryption.ServerSideEncryptionConfiguration?.Rules ?? []).length > 0;
  } catch {
    // Not created yet, or its versioning or encryption not yet written.
    return false;
  }
}

/** Resolves once the bucket is ready; rejects if the bootstrap ends first without making it so. */
async function untilStateBucketReady(s3: S3Client, bucket: string, bootstrap: Promise<unknown>): Promise<void> {
  const bootstrapEnd: { settled: boolean; error?: unknown } = { settled: false };
  bootstrap.then(
    () => Object.assign(bootstrapEnd, { settled: true }),
    (error: unknown) => Object.assign(bootstrapEnd, { settled: true, error }),
  );
  for (;;) {
    if (await stateBucketReady(s3, bucket)) return;
    if (bootstrapEnd.error !== undefined) throw bootstrapEnd.error;
    if (bootstrapEnd.settled) throw new Error(`local: the bootstrap finished but state bucket ${bucket} is not versioned and encrypted`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Bootstraps the state bucket and deploys `local` (plan and apply in one go), overlapping the two. */
export async function deployLocal(steps: LocalDeploySteps): Promise<void> {
  const s3 = new S3Client({
    endpoint: steps.aws.endpoint,
    region: steps.aws.env.AWS_REGION,
    forcePathStyle: true,
    credentials: { accessKeyId: steps.aws.env.AWS_ACCESS_KEY_ID, secretAccessKey: steps.aws.env.AWS_SECRET_ACCESS_KEY },
  });
  try {
    steps.synth('bootstrap');
    const bootstrap = steps.run('terraform/deploy.ts', ['bootstrap', '--stack', 'state-local', '--fresh']);
    // Caught here and rethrown below, so an early failure is never an unhandled rejection.
    bootstrap.catch(() => undefined);
    steps.synth('local');
    await untilStateBucketReady(s3, backendBucket(steps.localStackDir), bootstrap);
    const results = await Promise.allSettled([bootstrap, steps.run('terraform/deploy.ts', ['local', '--fresh'])]);
    const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;
  } finally {
    s3.destroy();
  }
}
