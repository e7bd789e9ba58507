import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { localShellEnv } from '../shell-env';
import { writeAwsEnvFile } from '../state-file';

// `nx run local:aws-up` writes .local/aws-env.sh with writeAwsEnvFile(localShellEnv(endpoint)); here the
// same file goes to a scratch folder and a real shell sources it.
describe('the local AWS env file a shell sources', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'canaryfleet-shell-env-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function sourced(env: Record<string, string>): Record<string, string> {
    const file = path.join(dir, 'aws env.sh');
    writeAwsEnvFile(env, file);
    const shell = spawnSync('bash', ['-c', 'source "$0" && env -0', file], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
    expect(shell.status).toBe(0);
    return Object.fromEntries(shell.stdout.split('\0').filter(Boolean).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
  }

  test('points terraform and the cdktf CLI at moto and the project CLI config, with checkpoint calls off and the lock file read-only', () => {
    const env = sourced(localShellEnv('http://127.0.0.1:4599'));
    expect(env).toMatchObject({
      AWS_ENDPOINT_URL: 'http://127.0.0.1:4599',
      AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:4599',
      CHECKPOINT_DISABLE: '1',
      TF_CLI_ARGS_init: '-lockfile=readonly',
    });
    expect(existsSync(env.TF_CLI_CONFIG_FILE)).toBe(true);
  });

  test('values reach the shell exactly, spaces and quotes included', () => {
    expect(sourced({ CANARYFLEET_PROBE: "a path/with spaces and 'quotes'" }).CANARYFLEET_PROBE).toBe("a path/with spaces and 'quotes'");
  });
});
