import type { Step } from './workflow-files';
import { shellcheck, type ShellcheckFinding } from './shellcheck';

// Rules that `${{ }}` placeholders and `env:`-provided variables make noisy, as actionlint excludes them
// (rule_shellcheck.go): constant words and expressions, variables assigned outside the script, sourced files.
const EXCLUDED = ['SC1091', 'SC2194', 'SC2050', 'SC2153', 'SC2154', 'SC2157', 'SC2043'];

/** `${{ ... }}` replaced by underscores of the same length, as actionlint does: spaces can break the syntax (`if ${{ x }}; then`). */
export function withoutExpressions(script: string): string {
  return script.replace(/\$\{\{[\s\S]*?\}\}/g, (expression) => '_'.repeat(expression.length));
}

/**
 * How GitHub runs a `run:` step on Linux: `bash -e {0}` when no shell is named, `bash --noprofile --norc
 * -eo pipefail {0}` for `shell: bash`, `sh -e {0}` for `shell: sh`. Other shells are not checked.
 */
export function runShell(shell: string | undefined): { shell: 'bash' | 'sh'; prelude: string } | undefined {
  if (shell === undefined) return { shell: 'bash', prelude: 'set -e' };
  if (shell === 'bash' || shell.startsWith('bash ')) return { shell: 'bash', prelude: 'set -eo pipefail' };
  if (shell === 'sh' || shell.startsWith('sh ')) return { shell: 'sh', prelude: 'set -e' };
  return undefined;
}

/** shellcheck of one `run:` step, as actionlint runs it; `defaultShell` is the job's or workflow's `defaults.run.shell`. */
export function shellcheckRunStep(step: Step, defaultShell?: string): ShellcheckFinding[] {
  const shell = runShell(step.shell ?? defaultShell);
  if (step.run === undefined || shell === undefined) return [];
  return shellcheck(withoutExpressions(step.run), { ...shell, exclude: EXCLUDED });
}
