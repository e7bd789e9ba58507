// What the end-to-end rollout tests (04..06) share: the shared local deployment with the data plane
// running in the test process, sticky client load, the real `canary` CLI as a child process, and
// checks that read AWS through the operator's own adapters.
import path from 'node:path';
import { parseEnvironmentOutputs, type EnvironmentOutputs } from '@canaryfleet/data-plane';
import { LOCAL_ROLLOUT_OPTIONS, LOCAL_STEPS, runCanary, startRolloutStage, type CanaryProcess } from '@canaryfleet/local-rollout';
import { createAwsClients, destroyAwsClients, operatorPorts, readOperatorEnvironment, type AwsClients, type OperatorEnvironment, type OperatorPorts } from '@canaryfleet/rollout-aws';
import { canonicalAction, listenerDifferences, otherColour, renderListenerActions, type FleetColour, type TrafficState } from '@canaryfleet/traffic-state';
import { LOCAL_REGION, until, type LocalEnvironment } from '@canaryfleet/tools';

export interface RolloutWorld {
  readonly outputs: EnvironmentOutputs;
  readonly environment: OperatorEnvironment;
  readonly ports: OperatorPorts;
  /** SDK clients on the shared deployment's moto, for changes made behind the operator's back. */
  readonly clients: AwsClients;
  /** `canary <command> local ...args` as a child process, with the shared deployment's endpoint and dist folder. */
  canary(command: string, args?: readonly string[]): CanaryProcess;
  /** A healthy catalog version the stable fleet does not run: what a healthy rollout rolls out. */
  healthyModel(): Promise<string>;
  /** `canary start local --model V` with the local schedule and short timings. */
  start(model: string, extra?: readonly string[]): CanaryProcess;
  /** The traffic state as the operator reads it (fails the test when it is unreadable). */
  trafficState(): Promise<TrafficState>;
  /** The read-back listener equals the rendering of the traffic state, and it is a single-group forward to `colour`. */
  expectSingleGroupForward(colour: FleetColour): Promise<void>;
  /** Resolves once the data plane's ALB stand-in routes by a single-group forward to `colour` and no rule reaches the other fleet. */
  albFollows(colour: FleetColour): Promise<void>;
  /** Requests forwarded so far to a fleet's weighted and pinned target groups. */
  forwardedTo(colour: FleetColour): number;
  /** Servers of a fleet the data plane runs now. */
  serversOf(colour: FleetColour): number;
  stop(): Promise<void>;
}

async function startRolloutWorld(local: LocalEnvironment): Promise<RolloutWorld> {
  const raw = await local.ensureDeployed();
  const outputs = parseEnvironmentOutputs(raw, 'outputs of the shared local deployment');
  const environment = readOperatorEnvironment(path.join(local.workDir, 'outputs', 'local.json'), 'local');
  const clients: AwsClients = createAwsClients({ region: LOCAL_REGION, endpoint: local.aws.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  const ports = operatorPorts(environment, clients);
  const { plane, stop } = await startRolloutStage(local.aws.endpoint, outputs);
  const weighted = outputs.target_group_arns;
  const pinned = outputs.pinned_target_group_arns;

  const trafficState = async () => {
    const observed = await ports.trafficState.read();
    if (observed.kind !== 'ok') throw new Error(`the traffic state is ${observed.kind}`);
    return observed.state;
  };
  const canary = (command: string, args: readonly string[] = []) => runCanary([command, 'local', ...args], local.env);

  return {
    outputs,
    environment,
    ports,
    clients,
    canary,
    start: (model, extra = []) => canary('start', ['--model', model, '--steps', LOCAL_STEPS, ...LOCAL_ROLLOUT_OPTIONS, ...extra]),
    trafficState,
    async healthyModel() {
      const state = await trafficState();
      return state.releases[state.stable]?.modelVersion === 'tiny-llm-v2' ? 'tiny-llm-v1' : 'tiny-llm-v2';
    },
    async expectSingleGroupForward(colour) {
      const state = await trafficState();
      const observed = await ports.router.read();
      expect(listenerDifferences(renderListenerActions(state, { weighted, pinned }, outputs.routing_policy), observed)).toEqual([]);
      expect(canonicalAction(observed.defaultActions[0])).toEqual({ type: 'forward', targets: [{ arn: weighted[colour], weight: 1 }], stickinessSeconds: null });
    },
    async albFollows(colour) {
      const other = otherColour(colour);
      const others = [weighted[other], pinned[other]];
      await until(
        () => plane.alb.listener.rules,
        (rules) => {
          const targets = rules.flatMap((rule) => rule.actions.flatMap((a) => [a.TargetGroupArn, ...(a.ForwardConfig?.TargetGroups ?? []).map((g) => g.TargetGroupArn)]));
          const fallback = rules.at(-1)?.actions[0];
          const forward = fallback ? canonicalAction(fallback) : undefined;
          return !targets.some((arn) => arn !== undefined && others.includes(arn)) && forward?.type === 'forward' && forward.targets.length === 1 && forward.targets[0].arn === weighted[colour];
        },
        10_000,
      );
    },
    forwardedTo(colour) {
      const { forwarded } = plane.alb.counters();
      return (forwarded.get(weighted[colour]) ?? 0) + (forwarded.get(pinned[colour]) ?? 0);
    },
    serversOf: (colour) => plane.fleets.servers().filter((s) => s.colour === colour && !s.exited).length,
    async stop() {
      await stop();
      destroyAwsClients(clients);
    },
  };
}

/** `resume` and `abort` in these tests take over with the tick and lease of LOCAL_ROLLOUT_OPTIONS. */
export const TAKEOVER_TIMING: readonly string[] = ['--tick', '1s', '--lease', '10s'];

/**
 * The hooks of a rollout test file: the world starts before its tests and stops after them, and a
 * rollout that a failed test left behind is aborted, so the next test (and file) starts idle.
 */
export function useRolloutWorld(local: LocalEnvironment): () => RolloutWorld {
  let world: RolloutWorld | undefined;
  beforeAll(async () => {
    world = await startRolloutWorld(local);
  }, 900_000);
  afterEach(async () => {
    if (world && (await world.ports.store.activeRollout())) await world.canary('abort', ['--reason', 'cleanup after a failed test', ...TAKEOVER_TIMING]).exited;
  }, 120_000);
  afterAll(() => world?.stop(), 120_000);
  return () => {
    if (!world) throw new Error('the rollout world did not start (see beforeAll)');
    return world;
  };
}
