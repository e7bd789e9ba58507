import { readFileSync } from 'node:fs';
import path from 'node:path';
import { distRoot, WORKSPACE_ROOT } from '../workspace-root';

/** The parts of the root cdktf.json our tools use. */
export interface CdktfProjectFile {
  readonly app: string;
  readonly output: string;
}

export function readCdktfProjectFile(workspace: string = WORKSPACE_ROOT): CdktfProjectFile {
  const file = JSON.parse(readFileSync(path.join(workspace, 'cdktf.json'), 'utf8')) as Partial<CdktfProjectFile>;
  if (typeof file.app !== 'string' || typeof file.output !== 'string') {
    throw new Error(`${path.join(workspace, 'cdktf.json')}: "app" and "output" must be strings`);
  }
  return { app: file.app, output: file.output };
}

/** Where an app's synthesized stacks live: <output>/<app>/stacks/<stack>/cdk.tf.json (<dist>/cdktf/<app> when CANARYFLEET_DIST is set). */
export function appOutdir(app: string): string {
  if (process.env.CANARYFLEET_DIST) return path.join(distRoot(), 'cdktf', app);
  return path.join(WORKSPACE_ROOT, readCdktfProjectFile().output, app);
}
