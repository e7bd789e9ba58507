import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, DeleteBucketCommand, GetBucketEncryptionCommand, GetBucketVersioningCommand, PutBucketEncryptionCommand, PutBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
import { loadEnvironmentConfig } from '../../cdktf/environment-config';
import { deployLocal } from '../deploy-local';
import { requireIntegrationTools } from '../integration-guard';
import { localAwsClientConfig, startMoto, type LocalAws } from '../moto';

// The order deployLocal promises, on a real moto: the environment's deploy starts once the state bucket
// is versioned and encrypted, overlaps the rest of the bootstrap, and both must succeed. The two terraform
// runs are stand-ins here that write the bucket's settings through the SDK in the order terraform does;
// the real ones run in `local:up` and the benchmarks' deployments.
const describeMoto = requireIntegrationTools('local deploy overlap') ? describe : describe.skip;

const BUCKET = loadEnvironmentConfig('local').stateBackend.bucket;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeMoto('bootstrap and deploy of local, overlapped', () => {
  let aws: LocalAws;
  let s3: S3Client;
  const localStackDir = mkdtempSync(path.join(tmpdir(), 'deploy-local-'));

  beforeAll(async () => {
    aws = await startMoto();
    s3 = new S3Client({ ...localAwsClientConfig(aws), forcePathStyle: true });
  }, 60_000);
  afterAll(async () => {
    s3?.destroy();
    await aws?.stop();
    rmSync(localStackDir, { recursive: true, force: true });
  });
  afterEach(async () => {
    await s3.send(new DeleteBucketCommand({ Bucket: BUCKET })).catch(() => undefined);
  });

  /** What deployLocal did, in order: synths, and each terraform run's start and end. */
  function recorder(bootstrap: (log: string[]) => Promise<void>, deploy: (log: string[]) => Promise<void>) {
    const log: string[] = [];
    const steps = {
      aws,
      localStackDir,
      synth: (app: string) => {
        log.push(`synth ${app}`);
        // The environment's stack names its state bucket in its backend block, as cdktf writes it.
        if (app === 'local') writeFileSync(path.join(localStackDir, 'cdk.tf.json'), JSON.stringify({ terraform: { backend: { s3: { bucket: BUCKET, key: 'canaryfleet/local/inference.tfstate' } } } }));
      },
      run: async (script: string, args: readonly string[]) => {
        expect(script).toBe('terraform/deploy.ts');
        const app = args[0];
        log.push(`start ${app}`);
        await (app === 'bootstrap' ? bootstrap(log) : deploy(log));
        log.push(`end ${app}`);
      },
    };
    return { log, steps };
  }

  /** The bootstrap as terraform applies it: bucket, versioning, encryption, then a long wait on lifecycle rules. */
  async function bootstrapStandIn() {
    await sleep(300);
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await sleep(500);
    await s3.send(new PutBucketVersioningCommand({ Bucket: BUCKET, VersioningConfiguration: { Status: 'Enabled' } }));
    await sleep(500);
    await s3.send(new PutBucketEncryptionCommand({ Bucket: BUCKET, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] } }));
    await sleep(2_000);
  }

  test('the deploy starts once the state bucket is versioned and encrypted, before the bootstrap ends; both finish', async () => {
    let bucketAtDeployStart: [string | undefined, number] | null = null;
    const { log, steps } = recorder(bootstrapStandIn, async () => {
      const versioning = await s3.send(new GetBucketVersioningCommand({ Bucket: BUCKET }));
      const encryption = await s3.send(new GetBucketEncryptionCommand({ Bucket: BUCKET }));
      bucketAtDeployStart = [versioning.Status, encryption.ServerSideEncryptionConfiguration?.Rules?.length ?? 0];
      await sleep(3_000);
    });
    await deployLocal(steps);
    expect(bucketAtDeployStart).toEqual(['Enabled', 1]);
    expect(log).toEqual(['synth bootstrap', 'start bootstrap', 'synth local', 'start local', 'end bootstrap', 'end local']);
  }, 60_000);

  test('a bootstrap that fails before the bucket is ready fails the whole, and the deploy never starts', async () => {
    const { log, steps } = recorder(
      async () => {
        await sleep(500);
        throw new Error('bootstrap: Error: creating S3 Bucket: AccessDenied');
      },
      async () => undefined,
    );
    await expect(deployLocal(steps)).rejects.toThrow('bootstrap: Error: creating S3 Bucket: AccessDenied');
    expect(log).not.toContain('start local');
  }, 60_000);

  test('a bootstrap that fails after the deploy started fails the whole once the deploy ends', async () => {
    const { log, steps } = recorder(
      async (events) => {
        await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
        await s3.send(new PutBucketVersioningCommand({ Bucket: BUCKET, VersioningConfiguration: { Status: 'Enabled' } }));
        await s3.send(new PutBucketEncryptionCommand({ Bucket: BUCKET, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] } }));
        await sleep(1_000);
        events.push('bootstrap failed');
        throw new Error('bootstrap: Error: creating S3 Bucket Lifecycle Configuration: timeout');
      },
      async () => void (await sleep(2_000)),
    );
    await expect(deployLocal(steps)).rejects.toThrow('Lifecycle Configuration: timeout');
    expect(log.slice(-2)).toEqual(['bootstrap failed', 'end local']);
  }, 60_000);
});
