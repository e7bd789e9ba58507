import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PROVIDER_LOCK_FILE } from '../../cdktf/provider-locks';
import { synthApp } from '../../cdktf/synth-app';
import { requireIntegrationTools } from '../../local-aws/integration-guard';
import { WORKSPACE_ROOT } from '../../workspace-root';
import { initStack } from '../init-stack';

// Every init of the project treats the stack's committed lock file as read-only: a stack whose lock
// file disagrees with the provider it requires fails init, and the lock file stays as it was.
const runs = requireIntegrationTools('provider lock enforcement');
const describeIntegration = runs ? describe : describe.skip;

describeIntegration('terraform init with the committed provider lock file', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'canaryfleet-lock-'));
  const synthesized = path.join(root, 'synth', 'stacks', 'state-local');
  let committedLock: string;

  beforeAll(() => {
    synthApp(WORKSPACE_ROOT, 'bootstrap', path.join(root, 'synth'));
    committedLock = readFileSync(path.join(synthesized, PROVIDER_LOCK_FILE), 'utf8');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /** A copy of the synthesized state-local stack with the given lock file (null: none) and its config changed by `config`. */
  function stackWith(name: string, lock: string | null, config: (json: string) => string = (json) => json) {
    const dir = path.join(root, name);
    cpSync(synthesized, dir, { recursive: true });
    if (lock === null) rmSync(path.join(dir, PROVIDER_LOCK_FILE));
    else writeFileSync(path.join(dir, PROVIDER_LOCK_FILE), lock);
    writeFileSync(path.join(dir, 'cdk.tf.json'), config(readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8')));
    return { name: 'state-local', dir };
  }

  const lockFileOf = (stack: { dir: string }) => readFileSync(path.join(stack.dir, PROVIDER_LOCK_FILE), 'utf8');
  // Terraform wraps its messages at any space.
  const terraformSays = (words: string) => new RegExp(words.split(' ').map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\s+'));
  const refusal = "bootstrap/state-local: the providers this stack requires do not match its committed lock file apps/bootstrap/stacks/state-local/.terraform.lock.hcl, so terraform init refused it. A provider change needs a reviewed lock-file change: run `npx nx run bootstrap:lock-providers` and commit the result.";

  test('the committed lock file initializes, and stays as it was', async () => {
    const stack = stackWith('committed', committedLock);
    await initStack('bootstrap', stack, {}, { backend: false });
    expect(lockFileOf(stack)).toBe(committedLock);
  }, 120_000);

  test('a checksum that is not the provider package: refused, lock file unchanged', async () => {
    const tampered = committedLock.replace(/"h1:[^"]+"/, '"h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="');
    expect(tampered).not.toBe(committedLock);
    const stack = stackWith('tampered', tampered);
    const init = initStack('bootstrap', stack, {}, { backend: false });
    await expect(init).rejects.toThrow(refusal);
    await expect(init).rejects.toThrow(terraformSays("doesn't match any of the checksums previously recorded in the dependency lock file"));
    expect(lockFileOf(stack)).toBe(tampered);
  }, 120_000);

  test('a provider version change without a lock-file change: refused, lock file unchanged', async () => {
    const stack = stackWith('upgraded', committedLock, (json) => json.replace('"version": "5.100.0"', '"version": "5.101.0"'));
    const init = initStack('bootstrap', stack, {}, { backend: false });
    await expect(init).rejects.toThrow(refusal);
    await expect(init).rejects.toThrow(terraformSays('locked provider registry.terraform.io/hashicorp/aws 5.100.0 does not match configured version constraint 5.101.0'));
    expect(lockFileOf(stack)).toBe(committedLock);
  }, 120_000);

  test('no lock file: refused, and none is written', async () => {
    const stack = stackWith('unlocked', null);
    const init = initStack('bootstrap', stack, {}, { backend: false });
    await expect(init).rejects.toThrow(refusal);
    await expect(init).rejects.toThrow(terraformSays('the lock file is read-only'));
    expect(() => lockFileOf(stack)).toThrow(/ENOENT/);
  }, 120_000);
});
