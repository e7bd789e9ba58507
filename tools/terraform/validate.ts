// nx `validate` target: `terraform init -backend=false` + `terraform validate` on every synthesized
// stack of an app. Needs no credentials and no network beyond the provider mirror or registry.
import { assertCdktfApp } from '../cdktf/apps';
import { runTerraform } from './run-terraform';
import { synthesizedStacks } from './stacks';
import { runMain } from '../run-main';

async function main(): Promise<void> {
  const app = assertCdktfApp(process.argv[2], 'app (first argument)');
  for (const stack of synthesizedStacks(app)) {
    await runTerraform(['init', '-backend=false', '-input=false', '-no-color'], { cwd: stack.dir });
    const result = await runTerraform(['validate', '-no-color'], { cwd: stack.dir });
    process.stdout.write(`${app}/${stack.name}: ${result.stdout.trim()}\n`);
  }
}

runMain(main);
