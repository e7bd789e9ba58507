// nx targets `local:aws-up`, `local:aws-down`, `local:aws-env`: the moto_server the local environment
// deploys to, on a free loopback port, recorded in .local/moto.json for the other targets and in
// .local/aws-env.sh for a shell.
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
const commands: Record<string, () => void | Promise<void>> = { up, down, env };
const run = command ? commands[command] : undefined;
if (!run) {
  process.stderr.write(`usage: local-aws <up|down|env>; got ${JSON.stringify(command ?? null)}\n`);
  process.exit(1);
}
runMain(run);
