import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CDKTF_APPS } from '../../cdktf/apps';
import { synthApp } from '../../cdktf/synth-app';
import { requireIntegrationTools } from '../../local-aws/integration-guard';
import { WORKSPACE_ROOT } from '../../workspace-root';
import { initStack } from '../init-stack';
import { runTerraform } from '../run-terraform';

// Every stack of every app, synthesized exactly as `cdktf synth` would, must initialize with its
// committed provider lock file (read-only, as every init of the project) and pass `terraform validate`
// with the real hashicorp/aws 5.100.0 provider.
const runs = requireIntegrationTools('terraform validate of every stack');
const describeIntegration = runs ? describe : describe.skip;

describeIntegration('terraform validate', () => {
  const outRoot = mkdtempSync(path.join(tmpdir(), 'canaryfleet-validate-'));
  afterAll(() => rmSync(outRoot, { recursive: true, force: true }));

  for (const app of CDKTF_APPS) {
    test(`${app}: every synthesized stack validates`, async () => {
      const outdir = path.join(outRoot, app);
      synthApp(WORKSPACE_ROOT, app, outdir);
      const stacks = readdirSync(path.join(outdir, 'stacks'));
      expect(stacks.length).toBeGreaterThan(0);
      for (const stack of stacks) {
        const cwd = path.join(outdir, 'stacks', stack);
        await initStack(app, { name: stack, dir: cwd }, {}, { backend: false });
        const result = await runTerraform(['validate', '-json', '-no-color'], { cwd });
        const report = JSON.parse(result.stdout) as { valid: boolean; error_count: number };
        expect({ stack: `${app}/${stack}`, valid: report.valid, errors: report.error_count }).toEqual({ stack: `${app}/${stack}`, valid: true, errors: 0 });
      }
    }, 180_000);
  }
});
