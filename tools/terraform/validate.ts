// nx `validate` target: `terraform init -backend=false` (with the committed lock file, read-only) +
// `terraform validate` on every synthesized stack of an app. Needs no credentials and no network beyond
// the provider mirror or registry.
import { assertCdktfApp } from '../cdktf/apps';
import { runTerraform } from './run-terraform';
import { synthesizedStacks } from './stacks';
import { runMain } from '../run-main';
import { initStack } from './init-stack';

async function main(): Promise<void> {
  const app = assertCdktfApp(process.argv[2], 'app (first argument)');
  for (const stack of synthesizedStacks(app)) {
    await initStack(app, stack, {}, { backend: false });
    const result = await runTerraform(['validate', '-no-color'], { cwd: stack.dir });
    process.stdout.write(`${app}/${stack.name}: ${result.stdout.trim()}\n`);
  }
}

runMain(main);
