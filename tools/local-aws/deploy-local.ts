// Bootstrap and deploy of the `local` environment with the two overlapping, for `local:up` and the
// benchmarks' deployments. The environment's deploy needs its state bucket, not the bucket's lifecycle
// rules, and the AWS provider waits about a minute after writing lifecycle rules (three matching reads
// 10 s apart, then a stability read), on moto as on AWS: a third of `local:up` spent idle. So the
// deploy starts as soon as the bucket exists with versioning and encryption on, while the bootstrap
// finishes; both must succeed.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { GetBucketEncryptionCommand, GetBucketVersioningCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { localAwsClientConfig } from './moto';

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

/** How a run ended, known synchronously; watching it also keeps an early failure from going unhandled. */
function settlement(run: Promise<unknown>): { settled: boolean; error?: unknown } {
  const end: { settled: boolean; error?: unknown } = { settled: false };
  run.then(
    () => Object.assign(end, { settled: true }),
    (error: unknown) => Object.assign(end, { settled: true, error }),
  );
  return end;
}

/** Resolves once the bucket is ready; rejects if the bootstrap ends first without making it so. */
async function untilStateBucketReady(s3: S3Client, bucket: string, bootstrap: { settled: boolean; error?: unknown }): Promise<void> {
  for (;;) {
    if (await stateBucketReady(s3, bucket)) return;
    if (bootstrap.error !== undefined) throw bootstrap.error;
    if (bootstrap.settled) throw new Error(`local: the bootstrap finished but state bucket ${bucket} is not versioned and encrypted`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Bootstraps the state bucket and deploys `local` (plan and apply in one go), overlapping the two. */
export async function deployLocal(steps: LocalDeploySteps): Promise<void> {
  const s3 = new S3Client({ ...localAwsClientConfig(steps.aws), forcePathStyle: true });
  try {
    steps.synth('bootstrap');
    const bootstrap = steps.run('terraform/deploy.ts', ['bootstrap', '--stack', 'state-local', '--fresh']);
    const bootstrapEnd = settlement(bootstrap);
    steps.synth('local');
    await untilStateBucketReady(s3, backendBucket(steps.localStackDir), bootstrapEnd);
    const results = await Promise.allSettled([bootstrap, steps.run('terraform/deploy.ts', ['local', '--fresh'])]);
    const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;
  } finally {
    s3.destroy();
  }
}
