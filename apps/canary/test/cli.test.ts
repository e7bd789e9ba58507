import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { requireIntegrationTools, WORKSPACE_ROOT } from '@canaryfleet/tools';
import { operatorPorts } from '@canaryfleet/rollout-aws';
import { runCli } from '../src/cli';
import { ENVIRONMENT, NEXT_AMI, startMotoWorld, type MotoWorld } from './moto-world';
import { SimulatedTraffic } from './simulation';

const describeMoto = requireIntegrationTools('canary CLI on moto') ? describe : describe.skip;

function capture(env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => err.push(t) }, env: { USER: 'tester', ...env } }, out, err };
}

describeMoto('the canary CLI on moto', () => {
  let world: MotoWorld;
  let traffic: SimulatedTraffic;
  const saved = { ...process.env };
  beforeAll(async () => {
    world = await startMotoWorld();
    // The SDK reads the endpoint and credentials from the environment, as it does for the local environment.
    Object.assign(process.env, world.aws.env);
    traffic = new SimulatedTraffic(world, Math.floor(Date.now() / 60_000) * 60_000 - 86_400_000);
    // Traffic before the rollout, for the preflight's request rate.
    await traffic.advance(16 * 60);
  }, 120_000);
  afterAll(async () => {
    process.env = saved;
    await world?.stop();
  });

  const cli = async (args: string[]) => {
    const { io, out, err } = capture();
    const code = await runCli([...args, '--outputs', world.outputsFile], io, traffic);
    return { code, out: out.join(''), err: err.join('') };
  };

  describe('rule 8: bad input changes nothing and names what is wrong', () => {
    const cases: [string, string[], RegExp][] = [
      ['an unknown environment', ['start', 'qa', '--model', 'tiny-llm-v2'], /^environment = "qa": must be one of dev, staging, prod, local/],
      ['a model version without artifacts', ['start', ENVIRONMENT, '--model', 'tiny-llm-v9'], /^dev: model version tiny-llm-v9 has no artifacts at s3:\/\/canaryfleet-dev-models\/models\/tiny-llm-v9\//],
      ['an invalid model version', ['start', ENVIRONMENT, '--model', 'no/slashes'], /^--model = "no\/slashes": must be 1-64 letters/],
      ['shares not increasing', ['start', ENVIRONMENT, '--model', 'tiny-llm-v2', '--steps', '5,1'], /^steps\[1\] = 1 %: must be larger than steps\[0\] \(5 %\)/],
      ['a share out of range', ['start', ENVIRONMENT, '--model', 'tiny-llm-v2', '--steps', '1,100'], /^steps\[1\] = 100 %: must be a share from 0.1 % to 99.9 %/],
      ['a bake out of range', ['start', ENVIRONMENT, '--model', 'tiny-llm-v2', '--bake', '2d'], /^--bake = "2d": must be a duration/],
      ['an interval out of range', ['start', ENVIRONMENT, '--model', 'tiny-llm-v2', '--interval', '20m'], /^interval = 1200 s: must be a whole number of seconds from 1 to 600/],
      ['the stable model version', ['start', ENVIRONMENT, '--model', 'tiny-llm-v1'], /^--model = "tiny-llm-v1": the stable fleet \(blue\) runs this model version already/],
      ['no model', ['start', ENVIRONMENT], /^--model: required/],
      ['an unknown option', ['start', ENVIRONMENT, '--model', 'tiny-llm-v2', '--stpes', '1'], /^canary start: Unknown option '--stpes'/],
      ['a bad limit', ['start', ENVIRONMENT, '--model', 'tiny-llm-v2', '--limit', 'verifyAttempts=0'], /^limits.verifyAttempts = 0: must be a whole number from 1 to 10/],
    ];
    test.each(cases)('%s', async (_, args, message) => {
      const ports = operatorPorts(world.environment, world.clients);
      const before = await ports.trafficState.read();
      const result = await cli(args);
      expect([result.code, result.err]).toEqual([2, expect.stringMatching(message)]);
      expect(await ports.trafficState.read()).toEqual(before);
      expect(await ports.store.readLease()).toBeNull();
      expect(await ports.store.history()).toEqual([]);
    });
  });

  test('plan changes nothing and gives the expected time per step', async () => {
    const result = await cli(['plan', ENVIRONMENT, '--model', 'tiny-llm-v2', '--steps', '5,50', '--bake', '1m']);
    expect(result.err).toBe('');
    expect(result.out).toContain(`dev: tiny-llm-v2 (123456789012.dkr.ecr.us-east-1.amazonaws.com/llm-server:1.4.2, ${NEXT_AMI}) onto green; stable blue runs tiny-llm-v1`);
    expect(result.out).toMatch(/traffic: 100.00 requests\/s/);
    expect(result.out).toMatch(/step 2: 50 % +bake >= 1m, a 2x regression shows in \d+m/);
    expect(await operatorPorts(world.environment, world.clients).store.history()).toEqual([]);
  });

  test('start runs a rollout to promotion; a second start is refused; status, history and report tell the story', async () => {
    const args = ['start', ENVIRONMENT, '--model', 'tiny-llm-v2', '--steps', '5,50', '--bake', '1m', '--interval', '60s', '--limit', 'metricsSettleSeconds=60s', '--limit', 'verifyTimeoutSeconds=5s', '--json', '--by', 'alice'];
    const { io, out } = capture();
    const running = runCli([...args, '--outputs', world.outputsFile], io, traffic);
    const code = await running;
    expect(code).toBe(0);
    const lines = out.join('').trim().split('\n').map((line) => JSON.parse(line));
    expect(lines.every((l) => l.type === 'event' && l.environment === 'dev' && typeof l.reason === 'string' && typeof l.at === 'string')).toBe(true);
    expect(lines.map((l) => l.reason)).toEqual(expect.arrayContaining(['RolloutStarted', 'StepStarted', 'JudgePromote', 'Promoted', 'Finished']));

    const second = await cli(['start', ENVIRONMENT, '--model', 'tiny-llm-v2']);
    expect([second.code, second.err]).toEqual([2, expect.stringMatching(/the stable fleet \(green\) runs this model version already/)]);

    const status = JSON.parse((await cli(['status', ENVIRONMENT, '--json'])).out);
    expect(status).toMatchObject({ type: 'status', stage: 'done', modelVersion: 'tiny-llm-v2', outcome: { kind: 'promoted', cause: 'JudgePromote' } });

    expect((await cli(['history', ENVIRONMENT])).out).toMatch(/ tiny-llm-v2 by alice: promoted \(JudgePromote, by canary-operator\)\n$/);

    const file = path.join(tmpdir(), `canary-report-${process.pid}.html`);
    expect((await cli(['report', ENVIRONMENT, '--out', file])).out.trim()).toBe(file);
    const html = readFileSync(file, 'utf8');
    expect(html).toContain('Promoted at');
    // Share, error rate and the error metric's evidence; this environment publishes no fleet metrics.
    expect(html.match(/<svg/g)?.length).toBe(3);
    expect(html).toContain('Latency and output quality are not measured in this environment');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
  }, 180_000);

  test('a detached rollout holds the environment: a second start is refused naming it, abort rolls it back and frees it', async () => {
    const detached = await cli(['start', ENVIRONMENT, '--model', 'tiny-llm-v3', '--steps', '5,50', '--bake', '1m', '--detach', '--by', 'bob']);
    expect([detached.code, detached.err]).toEqual([0, expect.stringMatching(/^dev: rollout r-\S+ started and detached/)]);
    const second = await cli(['start', ENVIRONMENT, '--model', 'tiny-llm-v2', '--by', 'carol']);
    expect(second.code).toBe(2);
    expect(second.err).toMatch(/^dev: rollout r-\S+ runs here, held by bob since \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ; one rollout at a time/);
    expect((await cli(['abort', ENVIRONMENT, '--by', 'dan'])).err).toMatch(/--reason is required/);
    const aborted = await cli(['abort', ENVIRONMENT, '--by', 'dan', '--reason', 'wrong release', '--tick', '1s']);
    expect(aborted.code).toBe(0);
    expect(aborted.out).toMatch(/AbortRequested.*: Aborted by dan: wrong release/);
    expect(aborted.out).toMatch(/Finished/);
    const status = JSON.parse((await cli(['status', ENVIRONMENT, '--json'])).out);
    expect(status).toMatchObject({ stage: 'done', outcome: { kind: 'rolled-back', cause: 'AbortRequested', by: 'dan' }, lease: null });
    // The watchdog finds nothing to do, and says so without failing.
    const watchdog = await cli(['resume', ENVIRONMENT, '--if-stalled']);
    expect([watchdog.code, watchdog.err]).toEqual([0, 'dev: no rollout is running; nothing to resume\n']);
  }, 120_000);

  test('on a terminal, status --watch draws the view in place (log-update), as a person sees it', () => {
    // `script` gives the CLI a pseudo-terminal, so stdout.isTTY is true as in a person's shell.
    const command = `stty cols 160 rows 40; node apps/canary/bin/canary.js status ${ENVIRONMENT} --watch --outputs ${world.outputsFile}`;
    const result = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: WORKSPACE_ROOT, encoding: 'utf8', env: { ...process.env, ...world.aws.env, TERM: 'xterm-256color' }, timeout: 60_000 });
    expect(result.status).toBe(4);
    expect(result.stdout).toMatch(/canary dev — rollout r-\S+ of tiny-llm-v3/);
    expect(result.stdout).toMatch(/ROLLED-BACK \(AbortRequested, by dan\): Aborted by dan: wrong release/);
    expect(result.stdout).toMatch(/last events:[\s\S]*Finished: Rollout/);
    // log-update hides the cursor while it redraws and shows it again when done.
    expect(result.stdout).toContain('\u001b[?25l');
  }, 60_000);
});
