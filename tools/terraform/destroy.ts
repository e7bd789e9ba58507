// nx `destroy` target of non-production environments (the local one above all): tears a stack down.
import { parseArgs } from 'node:util';
import { assertCdktfApp } from '../cdktf/apps';
import { loadEnvironmentConfig } from '../cdktf/environment-config';
import { runTerraform } from './run-terraform';
import { environmentOf, stackEnv } from './stack-target';
import { selectStacks } from './stacks';
import { runMain } from '../run-main';
import { initStack } from './init-stack';

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { stack: { type: 'string' } } });
  const app = assertCdktfApp(positionals[0], 'app (first argument)');
  for (const stack of selectStacks(app, values.stack).reverse()) {
    const environment = environmentOf(app, stack);
    if (loadEnvironmentConfig(environment).tier === 'production') throw new Error(`${environment}: destroy is refused for a production environment`);
    const env = stackEnv(app, stack);
    await initStack(app, stack, env);
    await runTerraform(['destroy', '-auto-approve', '-input=false', '-no-color'], { cwd: stack.dir, env, echo: true });
  }
}

runMain(main);
