import path from 'node:path';
import { readManifestStacks, type ManifestStack } from '../cdktf/manifest';
import { appOutdir } from '../cdktf/project-file';

export interface SynthesizedStack {
  readonly name: string;
  /** Directory holding cdk.tf.json; terraform runs here. */
  readonly dir: string;
  readonly dependencies: readonly string[];
}

/** The stacks of a synthesized app, dependencies first (cdktf's manifest.json). */
export function synthesizedStacks(app: string): SynthesizedStack[] {
  const outdir = appOutdir(app);
  let manifest: ManifestStack[];
  try {
    manifest = readManifestStacks(outdir);
  } catch {
    throw new Error(`${app}: no synthesized output in ${outdir}; run \`npx nx run ${app}:synth\` first`);
  }
  const pending = manifest.map((s) => ({ name: s.name, dir: path.join(outdir, s.workingDirectory), dependencies: s.dependencies }));
  const ordered: SynthesizedStack[] = [];
  while (pending.length > 0) {
    const next = pending.findIndex((s) => s.dependencies.every((d) => ordered.some((o) => o.name === d)));
    if (next < 0) throw new Error(`${app}: stack dependencies form a cycle: ${pending.map((s) => s.name).join(', ')}`);
    ordered.push(...pending.splice(next, 1));
  }
  return ordered;
}

export function selectStacks(app: string, only: string | undefined): SynthesizedStack[] {
  const stacks = synthesizedStacks(app);
  if (only === undefined) return stacks;
  const chosen = stacks.filter((s) => s.name === only);
  if (chosen.length === 0) throw new Error(`${app}: --stack ${only}: no such stack; stacks are ${stacks.map((s) => s.name).join(', ')}`);
  return chosen;
}
