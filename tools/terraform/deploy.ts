// nx `deploy` target: applies exactly the saved plans `plan` wrote, in stack dependency order.
// `--fresh` (non-production only) plans and applies in one go, for dev loops and the local environment.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { assertCdktfApp } from '../cdktf/apps';
import { loadEnvironmentConfig } from '../cdktf/environment-config';
import { planStack } from './plan';
import { planFile, planJsonFile } from './plan-files';
import { refuseDuringRollout } from './rollout-guard';
import { runTerraform, TerraformError } from './run-terraform';
import { environmentOf, stackEnv } from './stack-target';
import { selectStacks } from './stacks';
import { runMain } from '../run-main';
import { initStack } from './init-stack';

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { stack: { type: 'string' }, fresh: { type: 'boolean', default: false } } });
  const app = assertCdktfApp(positionals[0], 'app (first argument)');
  for (const stack of selectStacks(app, values.stack)) {
    const environment = environmentOf(app, stack);
    if (values.fresh) {
      if (loadEnvironmentConfig(environment).tier === 'production') {
        throw new Error(`${environment}: --fresh is refused for a production environment; run \`nx run ${app}:plan\`, review, then \`nx run ${app}:deploy\``);
      }
      await planStack(app, stack);
    }
    const plan = planFile(app, stack.name);
    if (!existsSync(plan)) throw new Error(`${app}/${stack.name}: no saved plan at ${plan}; run \`npx nx run ${app}:plan\` and review it first`);
    const env = stackEnv(app, stack);
    if (app !== 'bootstrap') await refuseDuringRollout(environment, planJsonFile(app, stack.name), env);
    try {
      // A fresh checkout (a CI deploy job) has no .terraform yet; init does not touch the saved plan.
      await initStack(app, stack, env);
      await runTerraform(['apply', '-input=false', '-no-color', plan], { cwd: stack.dir, env, echo: true });
    } catch (error) {
      if (error instanceof TerraformError && /Saved plan is stale/.test(error.result.stderr)) {
        throw new Error(
          `${app}/${stack.name}: the state changed since this plan was made (another apply ran), so terraform refused it and changed nothing. Plan and review again: \`npx nx run ${app}:plan\`.\n${error.result.stderr}`,
        );
      }
      throw error;
    }
    process.stdout.write(`${app}/${stack.name}: applied ${plan}\n`);
  }
}

runMain(main);
