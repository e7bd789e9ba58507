// nx `lock-providers` target: records the providers every stack of an app requires, with their
// checksums, in the stack's committed lock file (apps/<app>/stacks/<stack>/.terraform.lock.hcl), the
// only file every init of the project trusts. Checksums come from the offline mirror when the machine
// has one, otherwise from the public registry; `--platform os_arch` (repeatable) adds checksums for
// other platforms, which only the registry can provide. Checksums the file already lists for the same version are kept.
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { assertCdktfApp } from '../cdktf/apps';
import { committedLockFile, PROVIDER_LOCK_FILE } from '../cdktf/provider-locks';
import { runMain } from '../run-main';
import { WORKSPACE_ROOT } from '../workspace-root';
import { findProviderMirror } from './cli-config';
import { runTerraform } from './run-terraform';
import { synthesizedStacks } from './stacks';

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { platform: { type: 'string', multiple: true, default: [] } } });
  const app = assertCdktfApp(positionals[0], 'app (first argument)');
  const mirror = findProviderMirror();
  const source = mirror ? [`-fs-mirror=${mirror}`] : [];
  for (const stack of synthesizedStacks(app)) {
    // Synth put the committed lock file here: terraform adds to it and keeps what it already lists.
    await runTerraform(['providers', 'lock', '-no-color', ...source, ...values.platform.map((p) => `-platform=${p}`)], { cwd: stack.dir, echo: true });
    const committed = committedLockFile(app, stack.name);
    mkdirSync(path.dirname(committed), { recursive: true });
    copyFileSync(path.join(stack.dir, PROVIDER_LOCK_FILE), committed);
    process.stdout.write(`${app}/${stack.name}: ${path.relative(WORKSPACE_ROOT, committed)} (checksums from ${mirror ?? 'the public registry'})\n`);
  }
}

runMain(main);
