// `npx canary` must run this workspace's CLI, never the unrelated public npm package named `canary`:
// npm links the bin of the workspace package apps/canary into node_modules/.bin, where npx looks first.
import { spawnSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { WORKSPACE_ROOT } from '@canaryfleet/tools';

const run = (command: string, args: string[]) => spawnSync(command, args, { cwd: WORKSPACE_ROOT, encoding: 'utf8', env: { ...process.env, npm_config_offline: 'true' }, timeout: 60_000 });

describe('the canary bin', () => {
  test('node_modules/.bin/canary is the workspace package apps/canary', () => {
    expect(realpathSync(path.join(WORKSPACE_ROOT, 'node_modules', '.bin', 'canary'))).toBe(path.join(WORKSPACE_ROOT, 'apps', 'canary', 'bin', 'canary.js'));
  });

  test('npx canary runs ours (offline: npx must not fetch anything)', () => {
    const result = run('npx', ['--no-install', 'canary', 'help']);
    expect([result.status, result.stdout.split('\n')[0]]).toEqual([0, 'canary: canary rollouts of a model version, judged and promoted or rolled back by themselves']);
  });

  test('npm run canary -- runs ours too, with its exit codes', () => {
    const result = run('npm', ['run', '--silent', 'canary', '--', 'start', 'nowhere', '--model', 'x']);
    expect([result.status, result.stderr.trim()]).toEqual([2, 'environment = "nowhere": must be one of dev, staging, prod, local (the first argument)']);
  });

  test('a limit out of range is refused before the environment is opened (its outputs file is never read)', () => {
    const result = run('npm', ['run', '--silent', 'canary', '--', 'start', 'local', '--model', 'tiny-llm-v2', '--limit', 'verifyAttempts=0', '--outputs', '/nonexistent/local.json']);
    expect([result.status, result.stderr.trim()]).toEqual([2, 'limits.verifyAttempts = 0: must be a whole number from 1 to 10']);
  });
});
