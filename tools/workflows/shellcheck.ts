import { spawnSync } from 'node:child_process';

/** One finding of shellcheck; `line` counts the script's own lines (a prelude is not counted). */
export interface ShellcheckFinding {
  readonly line: number;
  readonly column: number;
  readonly level: string;
  readonly code: number;
  readonly message: string;
}

export function shellcheckAvailable(): boolean {
  return spawnSync('shellcheck', ['--version'], { stdio: 'ignore' }).status === 0;
}

export interface ShellcheckOptions {
  readonly shell: 'bash' | 'sh';
  /** SC codes not to report. */
  readonly exclude?: readonly string[];
  /** A line put before the script, e.g. the `set` options the script runs under. */
  readonly prelude?: string;
}

/** Runs shellcheck on a script and returns its findings (none: the script is clean). */
export function shellcheck(script: string, options: ShellcheckOptions): ShellcheckFinding[] {
  const args = ['--norc', '-f', 'json', '-x', '--shell', options.shell, ...(options.exclude?.length ? ['-e', options.exclude.join(',')] : []), '-'];
  const prelude = options.prelude === undefined ? [] : [options.prelude];
  const run = spawnSync('shellcheck', args, { input: [...prelude, script].join('\n'), encoding: 'utf8' });
  if (run.error) throw new Error(`shellcheck could not run (${run.error.message}); install it (Debian: apt-get install shellcheck)`);
  // Exit 1 means findings; any other failure prints no JSON.
  if (run.status !== 0 && run.status !== 1) throw new Error(`shellcheck exited ${run.status}: ${run.stderr}`);
  return (JSON.parse(run.stdout) as ShellcheckFinding[]).map((finding) => ({ ...finding, line: finding.line - prelude.length }));
}

/**
 * Tests that run shellcheck need it on PATH. Under CI=true its absence fails the run (.ci/run installs
 * it); elsewhere those tests are skipped with a loud message. Returns whether they may run.
 */
export function requireShellcheck(suite: string): boolean {
  if (shellcheckAvailable()) return true;
  const message = `${suite}: shellcheck not found on PATH (Debian/Ubuntu: apt-get install shellcheck).`;
  if (process.env.CI === 'true') throw new Error(`${message} CI=true, so this is a failure.`);
  process.stderr.write(`\n!!!!!!!!!!\n!!! SKIPPED: ${message}\n!!!!!!!!!!\n\n`);
  return false;
}
