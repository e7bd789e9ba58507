// The linters of the workflow test must be able to fail: each is shown a defect it exists to catch.
import { actionlint } from '../actionlint';
import { requireShellcheck } from '../shellcheck';
import { runShell, shellcheckRunStep, withoutExpressions } from '../run-step-lint';

const shellcheckHere = requireShellcheck('workflow lint tools');

describe('actionlint (WebAssembly build)', () => {
  it('reports an unknown context property and an unknown action input, with their lines', () => {
    const text = [
      'on: push',
      'jobs:',
      '  build:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '        with:',
      '          fetch-dept: 0',
      '      - run: echo "${{ github.no_such_property }}"',
      '',
    ].join('\n');
    const findings = actionlint([{ file: 'probe.yml', text }]);
    expect(findings.map(({ file, line, kind }) => `${file}:${line} ${kind}`)).toEqual(['probe.yml:8 action', 'probe.yml:9 expression']);
    expect(findings[0].message).toContain('input "fetch-dept" is not defined in action "actions/checkout@v4"');
  }, 60_000);
});

describe('shellcheck of run: blocks, as actionlint runs it', () => {
  it('replaces expressions by underscores of the same length, so line and column stay where they were', () => {
    expect(withoutExpressions('echo "${{ github.sha }}" && test ${{ x }}')).toBe(`echo "${'_'.repeat(17)}" && test ${'_'.repeat(8)}`);
  });

  it('runs unnamed shells as `bash -e`, `shell: bash` with pipefail, and skips shells shellcheck does not know', () => {
    expect(runShell(undefined)).toEqual({ shell: 'bash', prelude: 'set -e' });
    expect(runShell('bash')).toEqual({ shell: 'bash', prelude: 'set -eo pipefail' });
    expect(runShell('pwsh')).toBeUndefined();
  });

  (shellcheckHere ? it : it.skip)('reports an unquoted variable on the line it is written, and nothing for an expression or an env-provided variable', () => {
    const findings = shellcheckRunStep({ run: 'echo "${{ inputs.name }}" "$FROM_ENV"\ncp $SOURCE target\n', shell: 'bash' });
    expect(findings.map(({ line, code }) => `${line}: SC${code}`)).toEqual(['2: SC2086']);
  });
});
