import { runTerraform } from './run-terraform';
import type { SynthesizedStack } from './stacks';

/** `terraform init` of a stack with its real backend; -reconfigure because the synth output is rewritten each time. */
export async function initStack(stack: SynthesizedStack, env: Record<string, string>): Promise<void> {
  await runTerraform(['init', '-input=false', '-reconfigure', '-no-color'], { cwd: stack.dir, env });
}
