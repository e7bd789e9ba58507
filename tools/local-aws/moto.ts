import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** A running moto_server on loopback: the local AWS. */
export interface LocalAws {
  readonly endpoint: string;
  readonly port: number;
  readonly pid: number;
  /** Environment that points terraform and the AWS SDK at this moto. */
  readonly env: Record<string, string>;
  stop(): Promise<void>;
}

export const LOCAL_REGION = 'us-east-1';

export function motoAvailable(): boolean {
  return spawnSync('moto_server', ['--help'], { stdio: 'ignore' }).status === 0;
}

export function terraformAvailable(): boolean {
  return spawnSync('terraform', ['version'], { stdio: 'ignore' }).status === 0;
}

export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Environment for terraform (provider and S3 backend) and the AWS SDK v3 to use moto at `endpoint`. */
export function localAwsEnv(endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ENDPOINT_URL_S3: endpoint,
    // moto accepts any credentials; fixed fake ones keep real ones from ever being used by accident.
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_SESSION_TOKEN: 'testing',
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

/** AWS SDK v3 client settings for the moto at `aws`: its endpoint, region and fake credentials. */
export function localAwsClientConfig(aws: Pick<LocalAws, 'endpoint' | 'env'>) {
  return {
    endpoint: aws.endpoint,
    region: aws.env.AWS_REGION,
    credentials: { accessKeyId: aws.env.AWS_ACCESS_KEY_ID, secretAccessKey: aws.env.AWS_SECRET_ACCESS_KEY },
  };
}

async function waitUntilServing(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with code ${child.exitCode} before serving`);
    try {
      const response = await fetch(`${endpoint}/moto-api/data.json`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`moto_server did not answer at ${endpoint} within ${timeoutMs} ms`);
}

/** Starts moto_server on a free loopback port and waits until it answers. */
export async function startMoto(options: { port?: number; detached?: boolean } = {}): Promise<LocalAws> {
  const port = options.port ?? (await freeLoopbackPort());
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    // AWS managed IAM policies (AmazonSSMManagedInstanceCore, ...) exist only when moto loads them.
    env: { ...process.env, MOTO_IAM_LOAD_MANAGED_POLICIES: 'true' },
    stdio: 'ignore',
    detached: options.detached ?? false,
  });
  if (options.detached) child.unref();
  await waitUntilServing(endpoint, child, 30_000);
  return {
    endpoint,
    port,
    pid: child.pid ?? -1,
    env: localAwsEnv(endpoint),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
