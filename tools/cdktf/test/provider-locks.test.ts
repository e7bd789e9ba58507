import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CDKTF_APPS } from '../apps';
import { readManifestStacks } from '../manifest';
import { committedLockFile, PROVIDER_LOCK_FILE } from '../provider-locks';
import { synthApp } from '../synth-app';
import { WORKSPACE_ROOT } from '../../workspace-root';

// Every stack of every app has a committed lock file that locks exactly the providers it requires, and
// synth puts it beside the stack, where the nx targets and the cdktf CLI both initialize.

/** The full address terraform records a provider under: `aws` and `hashicorp/aws` are registry.terraform.io/hashicorp/aws. */
function providerAddress(source: string): string {
  const parts = source.split('/');
  if (parts.length === 1) return `registry.terraform.io/hashicorp/${source}`;
  return parts.length === 2 ? `registry.terraform.io/${source}` : source;
}

function requiredProviders(stackDir: string): Record<string, string> {
  const stack = JSON.parse(readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8')) as {
    terraform: { required_providers: Record<string, { source: string; version: string }> };
  };
  return Object.fromEntries(Object.values(stack.terraform.required_providers).map((p) => [providerAddress(p.source), p.version]));
}

function lockedProviders(lockFile: string): Record<string, { version: string; hashes: number }> {
  const blocks = readFileSync(lockFile, 'utf8').matchAll(/provider "([^"]+)" \{\s*version\s*=\s*"([^"]+)"[\s\S]*?hashes = \[([\s\S]*?)\]/g);
  return Object.fromEntries([...blocks].map(([, address, version, hashes]) => [address, { version, hashes: hashes.match(/"(h1|zh):[^"]+"/g)?.length ?? 0 }]));
}

describe('provider lock files', () => {
  const outRoot = mkdtempSync(path.join(tmpdir(), 'canaryfleet-locks-'));
  afterAll(() => rmSync(outRoot, { recursive: true, force: true }));

  test.each(CDKTF_APPS)('%s: each stack locks exactly the provider versions it requires, and synth puts the lock file beside it', (app) => {
    const outdir = path.join(outRoot, app);
    synthApp(WORKSPACE_ROOT, app, outdir);
    const stacks = readManifestStacks(outdir);
    expect(stacks.length).toBeGreaterThan(0);
    for (const stack of stacks) {
      const stackDir = path.join(outdir, stack.workingDirectory);
      const committed = committedLockFile(app, stack.name);
      const locked = lockedProviders(committed);
      const required = requiredProviders(stackDir);
      expect({ stack: stack.name, locked: Object.fromEntries(Object.entries(locked).map(([a, l]) => [a, l.version])) }).toEqual({ stack: stack.name, locked: required });
      for (const [address, { hashes }] of Object.entries(locked)) expect({ address, hashes: hashes > 0 }).toEqual({ address, hashes: true });
      expect(readFileSync(path.join(stackDir, PROVIDER_LOCK_FILE), 'utf8')).toBe(readFileSync(committed, 'utf8'));
    }
  });
});
