import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import {
  DescribeListenersCommand,
  DescribeRulesCommand,
  ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
  ModifyRuleCommand,
  SetRulePrioritiesCommand,
  type Action,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  finish,
  initialTrafficState,
  listenerDifferences,
  parseProblem,
  parseTrafficState,
  renderListenerActions,
  rollBack,
  serializeTrafficState,
  setCanaryShare,
  startCanary,
  storedTrafficStateProblems,
  trafficStateChecks,
  type ListenerActions,
  type Problem,
  type RoutingPolicy,
  type RoutingTargets,
  type TrafficState,
} from '@canaryfleet/traffic-state';
import { attachSharedDeployment, type LocalEnvironment, type LocalOutputs } from '@canaryfleet/tools';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { config } from '../src/config';

// ADR 0007 on moto, through the project's own tools: Terraform creates the traffic state and the
// listener actions from revision 1, then only the operator writes them. A plan saved before an operator
// write and applied after it leaves the operator's actions in place, the next plan has nothing to do for
// the listener or its rules, and the preconditions stop a plan on any invalid document.
// Leaves the shared deployment idle (blue stable, listener forwarding to blue only), as it found it.
const shared = attachSharedDeployment();
const describeIntegration = shared ? describe : describe.skip;

type Change = { address: string; change: { actions: string[]; before: Record<string, unknown>; after: Record<string, unknown> } };
const TRAFFIC_RESOURCES = ['aws_ssm_parameter.traffic_state', 'aws_lb_listener.listener_http', 'aws_lb_listener_rule.rule_header_canary', 'aws_lb_listener_rule.rule_header_stable'];

describeIntegration('traffic ownership on moto: Terraform creates, the operator writes (ADR 0007)', () => {
  const local = shared as LocalEnvironment;
  const writer = (by: string) => ({ at: new Date(), by });
  let outputs: LocalOutputs;
  let stackDir: string;
  let ssm: SSMClient;
  let elb: ElasticLoadBalancingV2Client;
  let parameter: string;
  let listenerArn: string;
  let rules: { canary: string; stable: string };
  let targets: RoutingTargets;
  let policy: RoutingPolicy;

  const readState = async () => parseTrafficState((await ssm.send(new GetParameterCommand({ Name: parameter }))).Parameter?.Value ?? '', parameter);
  const writeDocument = (value: string) => ssm.send(new PutParameterCommand({ Name: parameter, Type: 'String', Value: value, Overwrite: true }));

  /** What the operator does for a move: the new revision, then the actions it renders. */
  async function writeAsOperator(state: TrafficState): Promise<ListenerActions> {
    await writeDocument(serializeTrafficState(state));
    const actions = renderListenerActions(state, targets, policy);
    await elb.send(new ModifyListenerCommand({ ListenerArn: listenerArn, DefaultActions: actions.defaultActions as Action[] }));
    await elb.send(new ModifyRuleCommand({ RuleArn: rules.canary, Actions: actions.canaryHeaderActions as Action[] }));
    await elb.send(new ModifyRuleCommand({ RuleArn: rules.stable, Actions: actions.stableHeaderActions as Action[] }));
    return actions;
  }

  async function readBack() {
    const [listener] = (await elb.send(new DescribeListenersCommand({ ListenerArns: [listenerArn] }))).Listeners ?? [];
    const described = (await elb.send(new DescribeRulesCommand({ ListenerArn: listenerArn }))).Rules ?? [];
    const rule = (arn: string) => described.find((r) => r.RuleArn === arn);
    return {
      port: listener.Port,
      priorities: { canary: rule(rules.canary)?.Priority, stable: rule(rules.stable)?.Priority },
      actions: { defaultActions: listener.DefaultActions ?? [], canaryHeaderActions: rule(rules.canary)?.Actions ?? [], stableHeaderActions: rule(rules.stable)?.Actions ?? [] },
    };
  }

  async function planChanges(): Promise<Change[]> {
    await local.terraform(stackDir, ['plan', '-out=traffic.tfplan', '-input=false', '-no-color'], [2]);
    const shown = await local.terraform(stackDir, ['show', '-json', 'traffic.tfplan']);
    return ((JSON.parse(shown.stdout) as { resource_changes?: Change[] }).resource_changes ?? []).filter((c) => !c.change.actions.includes('no-op'));
  }

  beforeAll(async () => {
    outputs = await local.ensureDeployed();
    stackDir = await local.initEnvironment();
    const { endpoint, env } = local.aws;
    const client = { endpoint, region: env.AWS_REGION, credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY } };
    ssm = new SSMClient(client);
    elb = new ElasticLoadBalancingV2Client(client);
    parameter = outputs.traffic_state_parameter as string;
    listenerArn = outputs.traffic_listener_arn as string;
    rules = outputs.header_rule_arns as { canary: string; stable: string };
    targets = { weighted: outputs.target_group_arns as RoutingTargets['weighted'], pinned: outputs.pinned_target_group_arns as RoutingTargets['pinned'] };
    policy = outputs.routing_policy as RoutingPolicy;
  }, 900_000);

  afterAll(async () => {
    // Whatever happened above, the next test files find an idle environment whose listener matches it.
    const state = await readState().catch(() => undefined);
    if (state && state.phase !== 'idle') {
      const ended = state.phase === 'canary' ? rollBack(state, writer('traffic-state-test')) : state;
      await writeAsOperator(finish(ended, writer('traffic-state-test')));
    }
    ssm?.destroy();
    elb?.destroy();
  });

  test('Terraform created revision 1: idle, blue runs the initial release with the AMI the source parameter named', async () => {
    const amiSource = (await ssm.send(new GetParameterCommand({ Name: (outputs.release_defaults as { amiSourceParameter: string }).amiSourceParameter }))).Parameter?.Value ?? '';
    expect(amiSource).toMatch(/^ami-/);
    const state = await readState();
    expect(state).toEqual(initialTrafficState({ modelVersion: config.server.initialModelVersion, serverImage: config.server.image, amiId: amiSource }));
    for (const name of Object.values(outputs.fleet_ami_parameters as Record<string, string>)) {
      expect((await ssm.send(new GetParameterCommand({ Name: name }))).Parameter).toMatchObject({ Value: amiSource, DataType: 'aws:ec2:image' });
    }
    // The listener and the header rules carry exactly what the library renders for it.
    expect(listenerDifferences(renderListenerActions(state, targets, policy), (await readBack()).actions)).toEqual([]);
  }, 120_000);

  test('a plan saved before an operator write and deployed after it keeps the operator\'s actions; the next plan leaves the listener alone', async () => {
    // Drift in what Terraform owns, so the saved plan really updates the listener and a rule.
    await elb.send(new ModifyListenerCommand({ ListenerArn: listenerArn, Port: 8088 }));
    await elb.send(new SetRulePrioritiesCommand({ RulePriorities: [{ RuleArn: rules.canary, Priority: 11 }] }));
    await local.mustRun('terraform/plan.ts', ['local']);
    const saved = (JSON.parse(readFileSync(path.join(local.workDir, 'plans', 'local', 'inference.plan.json'), 'utf8')) as { resource_changes: Change[] }).resource_changes;
    const planned = Object.fromEntries(saved.filter((c) => c.change.actions.includes('update')).map((c) => [c.address, c.change]));
    expect(Object.keys(planned).sort()).toEqual(['aws_lb_listener.listener_http', 'aws_lb_listener_rule.rule_header_canary']);
    expect(planned['aws_lb_listener.listener_http']).toMatchObject({ before: { port: 8088 }, after: { port: 80 } });
    expect(planned['aws_lb_listener_rule.rule_header_canary']).toMatchObject({ before: { priority: 11 }, after: { priority: 10 } });

    // The operator moves traffic meanwhile: a canary of tiny-llm-v2 at 10 %.
    const idle = await readState();
    const release = { ...(idle.releases.blue as NonNullable<TrafficState['releases']['blue']>), modelVersion: 'tiny-llm-v2' };
    const canary = setCanaryShare(startCanary(idle, { release, rolloutId: 'traffic-state-test' }, writer('canary-operator')), 100, writer('canary-operator'));
    const written = await writeAsOperator(canary);

    const deploy = await local.mustRun('terraform/deploy.ts', ['local']);
    expect(deploy.stderr).toMatch(/Apply complete! Resources: 0 added, 2 changed, 0 destroyed/);
    const after = await readBack();
    expect({ port: after.port, priorities: after.priorities }).toEqual({ port: 80, priorities: { canary: '10', stable: '20' } });
    expect(listenerDifferences(written, after.actions)).toEqual([]);
    expect(await readState()).toEqual(canary);

    const changes = await planChanges();
    expect(changes.filter((c) => TRAFFIC_RESOURCES.includes(c.address)).map((c) => c.address)).toEqual([]);
    // The review of that plan says where traffic is now.
    await local.mustRun('terraform/plan.ts', ['local']);
    const review = await local.mustRun('plan-review/main.ts', ['local']);
    expect(review.stdout).toContain(`Traffic now (traffic state revision ${canary.revision}, by canary-operator): canary **green** 10 % (\`tiny-llm-v2\`), stable **blue** 90 % (\`tiny-llm-v1\`), rollout \`traffic-state-test\`.`);
  }, 900_000);

  test('every precondition stops a plan on an invalid document, with the library\'s message for each field', async () => {
    const valid = await readState();
    const release = valid.releases[valid.stable] as NonNullable<TrafficState['releases']['blue']>;
    const text = (doc: unknown) => JSON.stringify(doc);
    // Every broken document starts from revision 1 (idle, blue stable), whatever the test before left.
    const edit = (changes: Record<string, unknown>) => ({ ...initialTrafficState(release), ...changes });
    const v1 = { schemaVersion: 1, revision: 1, stable: 'blue', weights: { blue: 100, green: 0 }, modelVersions: { blue: 'tiny-llm-v1', green: null }, updatedAt: 'x', updatedBy: 'terraform' };
    const other = { ...release, modelVersion: 'tiny-llm-v2' };
    // Together these break every check once or more (asserted below by the source line of each failed precondition).
    const documents: Record<string, string> = {
      'not JSON': '{"schemaVersion": 2',
      'every field of version 2 broken': text(
        edit({
          revision: 0,
          stable: 'Blue',
          phase: 'warm',
          canaryPerMille: 1000,
          releases: { blue: { modelVersion: '', serverImage: 'x', amiId: 'y', gpu: 1 }, green: 5, red: null },
          rolloutId: '',
          updatedAt: 'yesterday',
          updatedBy: '',
          owner: 'me',
        }),
      ),
      'an unknown version, releases not an object': text(edit({ schemaVersion: 3, releases: [] })),
      'every field of version 1 broken': text({ ...v1, weights: { blue: 120, green: 0, red: 1 }, modelVersions: { blue: '', green: null, red: null }, updatedAt: 5, phase: 'idle' }),
      'version 1 without objects': text({ ...v1, weights: 7, modelVersions: 'x' }),
      'version 1 weights not summing to 100': text({ ...v1, weights: { blue: 50, green: 60 } }),
      'idle with a share, a canary release, a rollout, no stable release': text(edit({ canaryPerMille: 50, releases: { blue: null, green: other }, rolloutId: 'r-1' })),
      'promoted without a rollout or the drained release': text(edit({ phase: 'promoted' })),
      'a canary of the stable release': text(edit({ phase: 'canary', rolloutId: 'r-1', releases: { blue: release, green: release } })),
    };
    // The listener's preconditions only: the zone check's postcondition (ADR 0014) has a condition too, earlier in the file.
    const lines = readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8').split('\n');
    const preconditions = lines.findIndex((line) => /^\s+"precondition": \[/.test(line));
    const conditionLines = lines.flatMap((line, i) => (i > preconditions && /^\s+"condition": "\$\{/.test(line) ? [i + 1] : []));
    expect(conditionLines).toHaveLength(trafficStateChecks({ raw: 'r', document: 'd', shapeValid: 's' }).length);

    const fired = new Set<number>();
    try {
      for (const [name, document] of Object.entries(documents)) {
        await writeDocument(document);
        const plan = await local.terraform(stackDir, ['plan', '-json', '-input=false', '-no-color', '-target=aws_lb_listener.listener_http'], [1]);
        expect({ name, exit: plan.code }).toEqual({ name, exit: 1 });
        const failed = plan.stdout
          .split('\n')
          .filter((line) => line.startsWith('{'))
          .map((line) => (JSON.parse(line) as { diagnostic?: { summary: string; detail: string; range?: { start: { line: number } } } }).diagnostic)
          .filter((d) => d?.summary === 'Resource precondition failed');
        for (const diagnostic of failed) fired.add(conditionLines.indexOf(diagnostic?.range?.start.line ?? -1));
        const sorted = (problems: Problem[]) => [...problems].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
        const fromTerraform = sorted(failed.flatMap((d) => (d?.detail ?? '').split('\n')).map(parseProblem));
        const fromLibrary = name === 'not JSON' ? [{ field: '(document)', value: undefined, message: 'must be JSON' }] : sorted(storedTrafficStateProblems(JSON.parse(document)).map(parseProblem));
        expect({ name, problems: fromTerraform }).toEqual({ name, problems: fromLibrary });
      }
    } finally {
      await writeDocument(serializeTrafficState(valid));
    }
    expect([...fired].sort((a, b) => a - b)).toEqual(conditionLines.map((_, i) => i));
    // Restored: plans again, with nothing to do.
    expect((await local.terraform(stackDir, ['plan', '-detailed-exitcode', '-input=false', '-no-color'], [2])).code).toBe(0);
  }, 900_000);
});
