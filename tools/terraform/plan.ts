// nx `plan` target: for every stack of an app, `terraform plan -out` to dist/plans/<app>/<stack>.tfplan
// and its JSON (`terraform show -json`) beside it, for review and for `deploy` to apply unchanged.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { assertCdktfApp } from '../cdktf/apps';
import { planDir, planFile, planJsonFile } from './plan-files';
import { runTerraform } from './run-terraform';
import { stackEnv } from './stack-target';
import { selectStacks, type SynthesizedStack } from './stacks';
import { runMain } from '../run-main';
import { initStack } from './init-stack';

/** Plans one stack; returns whether it has changes. */
export async function planStack(app: string, stack: SynthesizedStack): Promise<boolean> {
  const env = stackEnv(app, stack);
  mkdirSync(planDir(app), { recursive: true });
  await initStack(app, stack, env);
  const plan = await runTerraform(['plan', '-input=false', '-no-color', '-detailed-exitcode', `-out=${planFile(app, stack.name)}`], {
    cwd: stack.dir,
    env,
    okCodes: [2],
  });
  const shown = await runTerraform(['show', '-json', planFile(app, stack.name)], { cwd: stack.dir, env });
  writeFileSync(planJsonFile(app, stack.name), shown.stdout);
  return plan.code === 2;
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { stack: { type: 'string' } } });
  const app = assertCdktfApp(positionals[0], 'app (first argument)');
  const stacks = selectStacks(app, values.stack);
  // A full plan replaces every earlier one: no stale plan may be left for `deploy` to apply.
  if (values.stack === undefined) rmSync(planDir(app), { recursive: true, force: true });
  for (const stack of stacks) {
    const changed = await planStack(app, stack);
    process.stdout.write(`${app}/${stack.name}: ${changed ? 'changes' : 'no changes'} -> ${planFile(app, stack.name)}\n`);
  }
}

if (require.main === module) runMain(main);
