import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ReplayStep } from './replay-plan';

/** How one step of the replay went. */
export interface StepOutcome {
  readonly label: string;
  readonly kind: 'ran' | 'skipped';
  readonly seconds: number;
  readonly why?: string;
}

/** `NAME=value` lines and `NAME<<DELIMITER` blocks, as GitHub reads $GITHUB_ENV and $GITHUB_OUTPUT. */
export function parseGithubFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const block = /^([^=<]+)<<(.+)$/.exec(lines[i]);
    if (block) {
      const end = lines.indexOf(block[2], i + 1);
      if (end < 0) throw new Error(`${block[1]}<<${block[2]}: no closing ${block[2]}`);
      out[block[1]] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (lines[i].includes('=')) {
      const at = lines[i].indexOf('=');
      out[lines[i].slice(0, at)] = lines[i].slice(at + 1);
    }
  }
  return out;
}

function runScript(step: Extract<ReplayStep, { kind: 'run' }>, cwd: string, env: NodeJS.ProcessEnv, scriptFile: string): Promise<number> {
  writeFileSync(scriptFile, step.script);
  return new Promise((resolve, reject) => {
    const [command, ...args] = step.shell;
    const child = spawn(command, [...args, scriptFile], { cwd: step.workingDirectory ? path.join(cwd, step.workingDirectory) : cwd, env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
}

/**
 * Runs the plan in `clone` step by step, as a GitHub runner would: each `run:` script in its shell with
 * the workflow's environment, $GITHUB_ENV and $GITHUB_PATH carried to later steps, $GITHUB_OUTPUT and
 * $GITHUB_STEP_SUMMARY written to files in `runnerTemp`. Stops at the first failing step or check.
 */
export async function runReplay(plan: readonly ReplayStep[], clone: string, runnerTemp: string, log: (line: string) => void): Promise<StepOutcome[]> {
  mkdirSync(runnerTemp, { recursive: true });
  const files = {
    GITHUB_ENV: path.join(runnerTemp, 'github-env'),
    GITHUB_PATH: path.join(runnerTemp, 'github-path'),
    GITHUB_STEP_SUMMARY: path.join(runnerTemp, 'step-summary.md'),
  };
  for (const file of Object.values(files)) writeFileSync(file, '');
  const outcomes: StepOutcome[] = [];
  for (const [i, step] of plan.entries()) {
    const started = Date.now();
    if (step.kind === 'skip') {
      const problem = step.check?.(clone);
      log(`--- skip  ${step.label}: ${step.why}${step.check ? (problem ? '' : ' (check passed)') : ''}`);
      if (problem) throw new Error(`${step.where}: ${problem}`);
      outcomes.push({ label: step.label, kind: 'skipped', seconds: 0, why: step.why });
      continue;
    }
    log(`--- run   ${step.label}`);
    const output = path.join(runnerTemp, `github-output-${i}`);
    writeFileSync(output, '');
    const carried = parseGithubFile(readFileSync(files.GITHUB_ENV, 'utf8'));
    const extraPath = readFileSync(files.GITHUB_PATH, 'utf8').split('\n').filter(Boolean).reverse();
    const env = {
      ...process.env,
      CI: 'true',
      RUNNER_TEMP: runnerTemp,
      GITHUB_WORKSPACE: clone,
      ...files,
      GITHUB_OUTPUT: output,
      ...carried,
      ...step.env,
      PATH: [...extraPath, process.env.PATH].join(path.delimiter),
    };
    const code = await runScript(step, clone, env, path.join(runnerTemp, `step-${i}.sh`));
    const seconds = (Date.now() - started) / 1000;
    const outputs = parseGithubFile(readFileSync(output, 'utf8'));
    for (const [name, value] of Object.entries(outputs)) log(`    output ${name}=${value}`);
    if (code !== 0) throw new Error(`${step.where}: "${step.label}" exited ${code} after ${seconds.toFixed(1)} s`);
    outcomes.push({ label: step.label, kind: 'ran', seconds });
  }
  return outcomes;
}
