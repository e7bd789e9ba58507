import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { WORKSPACE_ROOT } from '../../workspace-root';
import { CDKTF_APPS } from '../apps';
import { readCdktfProjectFile } from '../project-file';
import { committedLockFile } from '../provider-locks';

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

// The synth output holds each stack's lock file, so nx must re-synthesize (not replay its cache) when a
// committed lock file or the synth tooling changes.
describe('synth cache inputs', () => {
  test.each(CDKTF_APPS)('%s: the committed lock file of every stack and the app command are inputs of synth', (name) => {
    const out = execFileSync('npx', ['nx', 'show', 'target', 'inputs', `${name}:synth`, '--json'], {
      cwd: WORKSPACE_ROOT,
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
      encoding: 'utf8',
    });
    const { files } = JSON.parse(out) as { files: string[] };
    // provider-locks.test.ts proves every synthesized stack has one of these.
    const lockFiles = readdirSync(path.join(WORKSPACE_ROOT, 'apps', name, 'stacks')).map((stack) => path.relative(WORKSPACE_ROOT, committedLockFile(name, stack)));
    expect(lockFiles.length).toBeGreaterThan(0);
    expect(files).toEqual(expect.arrayContaining([...lockFiles, 'cdktf.json', 'tools/cdktf/app.ts', 'tools/cdktf/provider-locks.ts', 'tools/cdktf/manifest.ts']));
  });
});
