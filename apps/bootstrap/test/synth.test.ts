import { synthApp, WORKSPACE_ROOT } from '@canaryfleet/tools';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// The bootstrap app as `cdktf synth` runs it: one state-bucket stack per environment.
test('synthesizes one state-bucket stack per environment, each with local state', () => {
  const outdir = mkdtempSync(path.join(tmpdir(), 'canaryfleet-bootstrap-'));
  try {
    synthApp(WORKSPACE_ROOT, 'bootstrap', outdir, { CANARYFLEET_BOOTSTRAP_STATE_DIR: '/state' });
    const stacks = readdirSync(path.join(outdir, 'stacks')).sort();
    expect(stacks).toEqual(['state-dev', 'state-local', 'state-prod', 'state-staging']);
    const prod = JSON.parse(readFileSync(path.join(outdir, 'stacks', 'state-prod', 'cdk.tf.json'), 'utf8')) as {
      terraform: { backend: { local: { path: string } } };
      resource: { aws_s3_bucket: Record<string, { bucket: string }> };
    };
    expect(path.resolve(outdir, 'stacks', 'state-prod', prod.terraform.backend.local.path)).toBe('/state/prod.tfstate');
    expect(prod.resource.aws_s3_bucket.state_bucket.bucket).toBe('canaryfleet-tfstate-333333333333-us-east-1');
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
});
