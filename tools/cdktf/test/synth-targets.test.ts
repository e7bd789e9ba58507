import { readFileSync } from 'node:fs';
import path from 'node:path';
import { WORKSPACE_ROOT } from '../../workspace-root';
import { CDKTF_APPS } from '../apps';
import { readCdktfProjectFile } from '../project-file';

// Every nx `synth` target runs exactly the root cdktf.json's app command into <output>/<app>, so what
// nx caches is what `cdktf synth` would write.
describe('synth targets', () => {
  const { app, output } = readCdktfProjectFile();

  test.each(CDKTF_APPS)('%s synthesizes through cdktf.json', (name) => {
    const project = JSON.parse(readFileSync(path.join(WORKSPACE_ROOT, 'apps', name, 'project.json'), 'utf8')) as {
      targets: { synth: { command: string; options: { env: Record<string, string> } } };
    };
    expect(project.targets.synth).toEqual({ command: app, options: { env: { CANARYFLEET_APP: name, CDKTF_OUTDIR: path.join(output, name) } } });
  });
});
