// nx `outputs` target: the deployed environment's Terraform outputs as one machine-readable file,
// dist/outputs/<env>.json, for the rollout operator and scripts.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { assertCdktfApp } from '../cdktf/apps';
import { distRoot } from '../workspace-root';
import { runTerraform } from './run-terraform';
import { stackEnv } from './stack-target';
import { synthesizedStacks } from './stacks';
import { runMain } from '../run-main';
import { initStack } from './init-stack';

export function outputsFile(app: string): string {
  return path.join(distRoot(), 'outputs', `${app}.json`);
}

async function main(): Promise<void> {
  const app = assertCdktfApp(process.argv[2], 'app (first argument)');
  const outputs: Record<string, unknown> = {};
  for (const stack of synthesizedStacks(app)) {
    const env = stackEnv(app, stack);
    await initStack(app, stack, env);
    const shown = await runTerraform(['output', '-json', '-no-color'], { cwd: stack.dir, env });
    const values = JSON.parse(shown.stdout) as Record<string, { value: unknown }>;
    // Terraform leaves out an output whose value is null (header_rule_arns without header rules); the
    // file carries every output the stack declares, as null when it has no value.
    const declared = Object.keys((JSON.parse(readFileSync(path.join(stack.dir, 'cdk.tf.json'), 'utf8')) as { output?: object }).output ?? {});
    for (const name of declared) outputs[name] = values[name]?.value ?? null;
  }
  const file = outputsFile(app);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ environment: app, outputs }, null, 2)}\n`);
  process.stdout.write(`${file}\n`);
}

runMain(main);
