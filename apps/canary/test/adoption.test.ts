// ADR 0007: an environment deployed before it holds a version-1 traffic state; the operator's first
// command adopts it (journaled, written one revision up, the listener rendered and read back).
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { operatorPorts } from '@canaryfleet/rollout-aws';
import { requireIntegrationTools } from '@canaryfleet/tools';
import { canonicalAction } from '@canaryfleet/traffic-state';
import { runCli } from '../src/cli';
import { ENVIRONMENT, startMotoWorld, type MotoWorld } from './moto-world';
import { SimulatedTraffic } from './simulation';

const describeMoto = requireIntegrationTools('adoption of version-1 traffic states on moto') ? describe : describe.skip;

describeMoto('the first command adopts a version-1 traffic state', () => {
  let world: MotoWorld;
  const saved = { ...process.env };
  beforeAll(async () => {
    world = await startMotoWorld();
    Object.assign(process.env, world.aws.env);
  }, 120_000);
  afterAll(async () => {
    process.env = saved;
    await world?.stop();
  });

  async function writeLegacy(document: object) {
    await world.clients.ssm.send(new PutParameterCommand({ Name: world.environment.outputs.traffic_state_parameter, Value: JSON.stringify(document), Type: 'String', Overwrite: true }));
  }

  async function cli(args: string[], clock = new SimulatedTraffic(world, Math.floor(Date.now() / 60_000) * 60_000)) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli([...args, '--outputs', world.outputsFile, '--by', 'ops'], { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => err.push(t) }, env: {} }, clock);
    return { code, out: out.join(''), err: err.join('') };
  }

  test('an idle one becomes revision n+1, idle, and the listener a forward to the stable group', async () => {
    await writeLegacy({ schemaVersion: 1, revision: 7, stable: 'blue', weights: { blue: 100, green: 0 }, modelVersions: { blue: 'tiny-llm-v1', green: null }, updatedAt: '2026-01-01T00:00:00Z', updatedBy: 'terraform' });
    const result = await cli(['history', ENVIRONMENT]);
    expect(result.err).toBe('dev: adopted the version-1 traffic state as revision 8 (phase idle)\n');
    const ports = operatorPorts(world.environment, world.clients);
    const state = await ports.trafficState.read();
    expect(state.kind === 'ok' && state.state).toMatchObject({ schemaVersion: 2, revision: 8, phase: 'idle', stable: 'blue', releases: { blue: { modelVersion: 'tiny-llm-v1' }, green: null } });
    expect(canonicalAction((await ports.router.read()).defaultActions[0])).toEqual({ type: 'forward', targets: [{ arn: world.environment.outputs.target_group_arns.blue, weight: 1 }], stickinessSeconds: null });
    // Once: the next command finds a current document.
    expect((await cli(['history', ENVIRONMENT])).err).toBe('');
  });

  test('a canary in flight becomes rollout adopted-r<revision>, which abort rolls back', async () => {
    await writeLegacy({ schemaVersion: 1, revision: 20, stable: 'blue', weights: { blue: 90, green: 10 }, modelVersions: { blue: 'tiny-llm-v1', green: 'tiny-llm-v2' }, updatedAt: '2026-01-01T00:00:00Z', updatedBy: 'terraform' });
    const status = await cli(['status', ENVIRONMENT, '--json']);
    expect(status.err).toBe('dev: adopted the version-1 traffic state as revision 21 (phase canary, rollout adopted-r20)\n');
    expect(JSON.parse(status.out)).toMatchObject({ rolloutId: 'adopted-r20', stage: 'step', share: '10 %', modelVersion: 'tiny-llm-v2' });
    const aborted = await cli(['abort', ENVIRONMENT, '--reason', 'adopted canary, not wanted', '--tick', '1s']);
    expect(aborted.code).toBe(0);
    const state = await operatorPorts(world.environment, world.clients).trafficState.read();
    expect(state.kind === 'ok' && state.state).toMatchObject({ phase: 'idle', stable: 'blue', releases: { green: null } });
  }, 120_000);
});
