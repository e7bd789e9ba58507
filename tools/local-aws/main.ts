// nx targets `local:aws-up`, `local:aws-down`, `local:aws-env`: the moto_server the local environment
// deploys to, on a free loopback port, recorded in .local/moto.json for the other targets and in
// .local/aws-env.sh for a shell. `deploy` is the middle of `local:up`: bootstrap, deploy and outputs.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { appOutdir } from '../cdktf/project-file';
import { synthApp } from '../cdktf/synth-app';
import { awsTargetEnv } from '../terraform/aws-target';
import { WORKSPACE_ROOT } from '../workspace-root';
import { deployLocal } from './deploy-local';
import { startMoto } from './moto';
import { localShellEnv } from './shell-env';
import { AWS_ENV_FILE, clearMotoState, processAlive, readMotoState, renderShellExports, writeAwsEnvFile, writeMotoState } from './state-file';
import { runMain } from '../run-main';

async function up(): Promise<void> {
  const running = readMotoState();
  if (running && processAlive(running.pid)) {
    process.stdout.write(`local AWS already running at ${running.endpoint} (pid ${running.pid})\n`);
    return;
  }
  const moto = await startMoto({ detached: true });
  writeMotoState({ endpoint: moto.endpoint, pid: moto.pid });
  writeAwsEnvFile(localShellEnv(moto.endpoint));
  process.stdout.write(`local AWS (moto_server) running at ${moto.endpoint} (pid ${moto.pid}); \`source ${AWS_ENV_FILE}\` points a shell at it; stop it with \`npx nx run local:aws-down\`\n`);
}

/** Runs tools/<script> as its nx target does, each output line prefixed with `label`: two run at once. */
function runLabelled(label: string, script: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('node', ['--import', 'tsx', `tools/${script}`, ...args], {
      cwd: WORKSPACE_ROOT,
      env: { ...process.env, TSX_TSCONFIG_PATH: 'tsconfig.base.json' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    createInterface({ input: child.stdout }).on('line', (line) => process.stdout.write(`[${label}] ${line}\n`));
    createInterface({ input: child.stderr }).on('line', (line) => process.stderr.write(`[${label}] ${line}\n`));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${label}: tools/${script} ${args.join(' ')} exited ${code}`))));
  });
}

/** Bootstrap and deploy of `local` on the running moto (overlapped: tools/local-aws/deploy-local.ts), then its outputs file. */
async function deploy(): Promise<void> {
  // The moto the terraform runs will use (AWS_ENDPOINT_URL on loopback, else .local/moto.json).
  const env = awsTargetEnv('local', true);
  await deployLocal({
    aws: { endpoint: env.AWS_ENDPOINT_URL, env },
    synth: (app) => synthApp(WORKSPACE_ROOT, app, appOutdir(app)),
    localStackDir: path.join(appOutdir('local'), 'stacks', 'inference'),
    run: (script, args) => runLabelled(script === 'terraform/deploy.ts' ? args[0] : script, script, args),
  });
  await runLabelled('outputs', 'terraform/outputs.ts', ['local']);
}

function down(): void {
  const running = readMotoState();
  if (running && processAlive(running.pid)) process.kill(running.pid, 'SIGTERM');
  clearMotoState();
  process.stdout.write(running ? `stopped local AWS at ${running.endpoint}\n` : 'local AWS was not running\n');
}

function env(): void {
  const running = readMotoState();
  if (!running) throw new Error('the local AWS is not running; start it with `npx nx run local:aws-up`');
  process.stdout.write(renderShellExports(localShellEnv(running.endpoint)));
}

const command = process.argv[2];
const commands: Record<string, () => void | Promise<void>> = { up, deploy, down, env };
const run = command ? commands[command] : undefined;
if (!run) {
  process.stderr.write(`usage: local-aws <up|deploy|down|env>; got ${JSON.stringify(command ?? null)}\n`);
  process.exit(1);
}
runMain(run);
