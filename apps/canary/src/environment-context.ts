import path from 'node:path';
import { hostname, userInfo } from 'node:os';
import { adoptLegacyTrafficState, createAwsClients, destroyAwsClients, operatorPorts, readOperatorEnvironment, type AwsClients, type OperatorEnvironment, type OperatorPorts } from '@canaryfleet/rollout-aws';
import { distRoot, ENVIRONMENTS, loadEnvironmentConfig, LOCAL_REGION, readMotoState } from '@canaryfleet/tools';
import { UsageError, type CliIo } from './io';

/** An environment the CLI acts on: its outputs, its AWS clients and the operator's adapters. */
export interface EnvironmentContext {
  readonly environment: OperatorEnvironment;
  readonly clients: AwsClients;
  readonly ports: OperatorPorts;
  /** Who is acting: recorded on every command and lease. */
  readonly actor: string;
  close(): void;
}

export function actorOf(io: CliIo, by: string | undefined): string {
  if (by) return by;
  if (io.env.GITHUB_ACTOR) return `${io.env.GITHUB_ACTOR} (GitHub Actions run ${io.env.GITHUB_RUN_ID ?? '?'})`;
  return `${io.env.USER ?? userInfo().username}@${hostname()}`;
}

export function checkEnvironmentName(name: string | undefined): string {
  if (!name || !(ENVIRONMENTS as readonly string[]).includes(name)) {
    throw new UsageError(`environment = ${JSON.stringify(name ?? null)}: must be one of ${ENVIRONMENTS.join(', ')} (the first argument)`);
  }
  return name;
}

/**
 * Opens an environment: its name is checked, its outputs file read (`--outputs`, else
 * dist/outputs/<env>.json), AWS clients made for its region, and a version-1 traffic state adopted. The local environment uses its moto
 * (AWS_ENDPOINT_URL, or .local/moto.json); the SDK reads AWS_ENDPOINT_URL itself elsewhere too.
 */
export async function openEnvironment(io: CliIo, name: string | undefined, options: { outputs?: string; by?: string }, now: Date = new Date()): Promise<EnvironmentContext> {
  const environment = checkEnvironmentName(name);
  const config = loadEnvironmentConfig(environment);
  const operatorEnvironment = readOperatorEnvironment(options.outputs ?? path.join(distRoot(), 'outputs', `${environment}.json`), environment);
  const endpoint = config.localAws ? localEndpoint(io) : undefined;
  const clients = createAwsClients({
    region: config.localAws ? LOCAL_REGION : config.region,
    ...(endpoint ? { endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } } : {}),
  });
  const context = { environment: operatorEnvironment, clients, ports: operatorPorts(operatorEnvironment, clients), actor: actorOf(io, options.by), close: () => destroyAwsClients(clients) };
  try {
    // An environment deployed before ADR 0007 holds a version-1 traffic state: the first command adopts it.
    const adopted = await adoptLegacyTrafficState(context.ports, operatorEnvironment, context.actor, now);
    if (adopted) io.stderr.write(`${environment}: adopted the version-1 traffic state as revision ${adopted.revision} (phase ${adopted.phase}${adopted.rolloutId ? `, rollout ${adopted.rolloutId}` : ''})\n`);
  } catch (error) {
    context.close();
    throw error;
  }
  return context;
}

function localEndpoint(io: CliIo): string {
  const endpoint = io.env.AWS_ENDPOINT_URL;
  if (endpoint?.startsWith('http://127.0.0.1')) return endpoint;
  // The endpoint `nx run local:aws-up` recorded.
  const moto = readMotoState();
  if (!moto) throw new UsageError('local: the local AWS is not running; start it with `npx nx run local:aws-up` (or set AWS_ENDPOINT_URL to a moto on 127.0.0.1)');
  return moto.endpoint;
}
