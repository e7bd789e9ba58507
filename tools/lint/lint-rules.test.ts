import { spawnSync } from 'node:child_process';
import { WORKSPACE_ROOT } from '../workspace-root';

// The lint rules that carry design decisions (eslint.config.mjs) must actually fire. ESLint runs as
// `npx nx run <project>:lint` runs it (its own process: the flat config is an ES module).
function ruleIdsFor(file: string, code: string): string[] {
  const run = spawnSync('npx', ['eslint', '--stdin', '--stdin-filename', file, '--format', 'json'], { cwd: WORKSPACE_ROOT, input: code, encoding: 'utf8' });
  const [result] = JSON.parse(run.stdout) as Array<{ messages: Array<{ ruleId: string | null; message: string }> }>;
  return result.messages.map((m) => m.ruleId ?? m.message);
}

describe('lint policy', () => {
  test('the @cdktf/provider-aws barrel import fails lint; the deep import passes', () => {
    expect(ruleIdsFor('libs/network/src/lint-probe.ts', "import { Vpc } from '@cdktf/provider-aws/lib';\nexport const probe = Vpc;\n")).toContain('no-restricted-imports');
    expect(ruleIdsFor('apps/dev/src/lint-probe.ts', "import * as aws from '@cdktf/provider-aws';\nexport const probe = aws;\n")).toContain('no-restricted-imports');
    expect(ruleIdsFor('libs/network/src/lint-probe.ts', "import { Vpc } from '@cdktf/provider-aws/lib/vpc';\nexport const probe = Vpc;\n")).toEqual([]);
  }, 60_000);

  test('construct libraries never import the CLI', () => {
    expect(ruleIdsFor('libs/canary-routing/src/lint-probe.ts', "import 'cdktf-cli';\n")).toContain('no-restricted-imports');
  }, 60_000);

  test('libraries never import apps, and construct libraries never import pure libraries', () => {
    expect(ruleIdsFor('libs/network/src/lint-probe.ts', "import { config } from '../../../apps/dev/src/config';\nexport const probe = config;\n")).toContain('@nx/enforce-module-boundaries');
    expect(ruleIdsFor('libs/network/src/lint-probe.ts', "import { Judge } from '@canaryfleet/judge';\nexport const probe = Judge;\n")).toContain('@nx/enforce-module-boundaries');
  }, 60_000);
});
