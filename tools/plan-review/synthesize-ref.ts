import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SynthesizedStack } from '@canaryfleet/plan-review';
import { synthApp } from '../cdktf/synth-app';
import { WORKSPACE_ROOT } from '../workspace-root';

/** The synthesized stacks of one app output directory (`<output>/<env>`), by stack name. */
export function readSynthesizedStacks(appOutdir: string): Map<string, SynthesizedStack> {
  const stacksDir = path.join(appOutdir, 'stacks');
  const stacks = new Map<string, SynthesizedStack>();
  if (!existsSync(stacksDir)) return stacks;
  for (const stack of readdirSync(stacksDir).sort()) {
    const file = path.join(stacksDir, stack, 'cdk.tf.json');
    if (existsSync(file)) stacks.set(stack, JSON.parse(readFileSync(file, 'utf8')) as SynthesizedStack);
  }
  return stacks;
}

/**
 * Synthesizes `env` as it was at git `ref`, without touching the working tree or the index: the ref's
 * files are exported with `git archive` into a temporary directory that borrows this checkout's
 * node_modules. An environment that did not exist at `ref` has no stacks there.
 */
export function synthesizeAtRef(env: string, ref: string): Map<string, SynthesizedStack> {
  const dir = mkdtempSync(path.join(tmpdir(), `plan-review-${env}-`));
  try {
    try {
      execFileSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: WORKSPACE_ROOT, stdio: 'ignore' });
    } catch {
      throw new Error(`--synth-diff ${ref}: not a commit in this repository; pass a branch, tag or SHA (in CI, fetch it first: actions/checkout with fetch-depth: 0)`);
    }
    const archive = execFileSync('git', ['archive', '--format=tar', ref], { cwd: WORKSPACE_ROOT, maxBuffer: 1 << 30 });
    execFileSync('tar', ['-x', '-C', dir], { input: archive });
    if (!existsSync(path.join(dir, 'apps', env)) || !existsSync(path.join(dir, 'cdktf.json'))) return new Map();
    symlinkSync(path.join(WORKSPACE_ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    const outdir = path.join(dir, 'dist', 'cdktf', env);
    synthApp(dir, env, outdir);
    return readSynthesizedStacks(outdir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
