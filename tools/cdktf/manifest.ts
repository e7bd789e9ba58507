import { readFileSync } from 'node:fs';
import path from 'node:path';

/** A stack as cdktf's manifest.json lists it; `workingDirectory` is relative to the synth output folder. */
export interface ManifestStack {
  readonly name: string;
  readonly workingDirectory: string;
  readonly dependencies: readonly string[];
}

/** The stacks an app synthesized into `outdir`, as cdktf's manifest.json lists them; throws when there is none. */
export function readManifestStacks(outdir: string): ManifestStack[] {
  const manifest = JSON.parse(readFileSync(path.join(outdir, 'manifest.json'), 'utf8')) as { stacks: Record<string, ManifestStack> };
  return Object.values(manifest.stacks).map(({ name, workingDirectory, dependencies }) => ({ name, workingDirectory, dependencies }));
}
