// One inference-server stand-in process, started by the fleet supervisor for one moto instance. Like the
// fleet's user data on EC2, it reads its fleet's release from the traffic state when it starts.
import { PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { fleetMetricData, ROUTES } from '@canaryfleet/fleet-metrics';
import { parseTrafficState } from '@canaryfleet/traffic-state';
import { awsClients } from '../aws-clients';
import { modelBehaviour } from '../model-catalog';
import { everyPeriod } from '../periods';
import { InferenceServer } from './inference-server';
import { RouteCounters } from './route-counters';
import { SERVER_CONFIG_VARIABLE, type ServerConfig, type ServerMessage, type SupervisorMessage } from './server-messages';

function send(message: ServerMessage): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const config = JSON.parse(process.env[SERVER_CONFIG_VARIABLE] ?? '') as ServerConfig;
  const aws = awsClients(config.endpoint);
  const parameter = await aws.ssm.send(new GetParameterCommand({ Name: config.trafficStateParameter }));
  const state = parseTrafficState(parameter.Parameter?.Value ?? '', config.trafficStateParameter);
  const release = state.releases[config.colour];
  if (!release) throw new Error(`${config.instanceId}: fleet ${config.colour} has no release in ${config.trafficStateParameter} (revision ${state.revision}): nothing to load`);
  const behaviour = modelBehaviour(release.modelVersion);

  const counters = new RouteCounters(config.metrics.periodSeconds);
  let loaded = false;
  const server = new InferenceServer({
    modelVersion: release.modelVersion,
    behaviour,
    identity: { fleet: config.colour, instanceId: config.instanceId },
    healthPath: config.healthPath,
    modelLoadSeconds: config.modelLoadSeconds,
    slowRequestSeconds: config.slowRequestSeconds,
    counters,
    crash: () => {
      process.stderr.write(`${config.instanceId}: model ${release.modelVersion} crashed the server\n`);
      process.exit(70);
    },
    onLoaded: () => {
      loaded = true;
      send({ type: 'loaded' });
    },
  });
  const publisher = everyPeriod(config.metrics.periodSeconds, async (start) => {
    const counts = counters.take(start);
    // A server publishes from the period its model is loaded in: before, it serves nothing.
    if (!loaded) return;
    const data = ROUTES.flatMap((route) => fleetMetricData({ environment: config.environment, fleet: config.colour, route }, counts[route], new Date(start)));
    await aws.cloudWatch.send(new PutMetricDataCommand({ Namespace: config.metrics.namespace, MetricData: data.map((d) => ({ ...d, Dimensions: [...d.Dimensions] })) }));
    for (const route of ROUTES) send({ type: 'published', periodStart: start, route, counts: counts[route] });
  });
  const ports = await server.listen();
  send({ type: 'listening', ports, modelVersion: release.modelVersion });

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.close();
    await publisher.stop();
    aws.destroy();
    process.exit(0);
  };
  process.on('message', (message: SupervisorMessage) => {
    if (message.type === 'stop') void stop();
  });
  process.on('SIGTERM', () => void stop());
  // The supervisor is gone: an instance without its agent has no reason to live on.
  process.on('disconnect', () => void stop());
}

main().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(2);
});
