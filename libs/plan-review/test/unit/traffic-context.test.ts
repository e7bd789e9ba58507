import { renderReview, reviewPlans, risksOf, resourceChangesOfPlan, trafficContextOfPlan, type PlanJson, type PlanResourceChange } from '../../src';

const release = (modelVersion: string) => ({ modelVersion, serverImage: '123456789012.dkr.ecr.us-east-1.amazonaws.com/llm-server:1.4.2', amiId: 'ami-0123456789abcdef0' });
const document = {
  schemaVersion: 2,
  revision: 4,
  stable: 'green',
  phase: 'canary',
  canaryPerMille: 250,
  releases: { blue: release('llama-v2'), green: release('llama-v1') },
  rolloutId: 'r-7',
  updatedAt: '2026-11-29T12:00:00Z',
  updatedBy: 'canary-operator',
};
const legacy = { schemaVersion: 1, revision: 3, stable: 'blue', weights: { blue: 100, green: 0 }, modelVersions: { blue: 'llama-v1', green: null }, updatedAt: '1970-01-01T00:00:00Z', updatedBy: 'terraform' };

const parameter = (value: string): PlanResourceChange => ({
  address: 'aws_ssm_parameter.traffic_state',
  mode: 'managed',
  type: 'aws_ssm_parameter',
  name: 'traffic_state',
  change: { actions: ['no-op'], before: { name: '/canaryfleet/prod/traffic-state', insecure_value: value }, after: { name: '/canaryfleet/prod/traffic-state', insecure_value: value } },
});

const drifted = (address: string, type: string, attribute = 'insecure_value'): PlanResourceChange => ({
  address,
  mode: 'managed',
  type,
  name: address.split('.')[1],
  change: { actions: ['update'], before: { [attribute]: 'before', tags: null }, after: { [attribute]: 'after', tags: {} } },
});

function plan(changes: PlanResourceChange[], drift: PlanResourceChange[] = [], relevant: string[] = drift.map((d) => d.address)): PlanJson {
  return { format_version: '1.2', resource_changes: changes, resource_drift: drift, relevant_attributes: relevant.map((resource) => ({ resource, attribute: ['insecure_value'] })) };
}

describe('traffic context of a plan', () => {
  test('reads the current traffic state and the drift', () => {
    const context = trafficContextOfPlan(plan([parameter(JSON.stringify(document))], [drifted('aws_lb_listener.listener_https', 'aws_lb_listener'), drifted('aws_ssm_parameter.traffic_state', 'aws_ssm_parameter')]));
    expect(context.trafficState).toEqual({ schemaVersion: 2, state: document });
    expect(context.drift).toEqual(['aws_lb_listener.listener_https', 'aws_ssm_parameter.traffic_state']);
  });

  test('leaves out drift that feeds no planned change, as terraform does', () => {
    const context = trafficContextOfPlan(plan([], [drifted('aws_lb_target_group.target_group_blue', 'aws_lb_target_group'), drifted('aws_ssm_parameter.traffic_state', 'aws_ssm_parameter')], ['aws_ssm_parameter.traffic_state']));
    expect(context.drift).toEqual(['aws_ssm_parameter.traffic_state']);
  });

  test('leaves out drift in attributes nothing reads (an empty tag map appearing)', () => {
    const profile = drifted('aws_iam_instance_profile.fleet', 'aws_iam_instance_profile', 'arn');
    const readsArn = { format_version: '1.2', resource_changes: [], resource_drift: [profile], relevant_attributes: [{ resource: profile.address, attribute: ['arn'] }] };
    const readsName = { ...readsArn, relevant_attributes: [{ resource: profile.address, attribute: ['name'] }] };
    expect(trafficContextOfPlan(readsArn).drift).toEqual(['aws_iam_instance_profile.fleet']);
    expect(trafficContextOfPlan(readsName).drift).toEqual([]);
  });

  test('has no traffic state when the stack has none or it does not parse', () => {
    expect(trafficContextOfPlan(plan([])).trafficState).toBeUndefined();
    expect(trafficContextOfPlan(plan([parameter('{not json')])).trafficState).toBeUndefined();
    expect(trafficContextOfPlan(plan([parameter(JSON.stringify({ ...document, canaryPerMille: 1000 }))])).trafficState).toBeUndefined();
    expect(trafficContextOfPlan(plan([parameter(JSON.stringify({ ...legacy, weights: { blue: 50, green: 60 } }))])).trafficState).toBeUndefined();
  });

  test('the review shows traffic now and what changed outside Terraform, and stays "no changes"', () => {
    const review = reviewPlans('prod', [{ stack: 'inference', plan: plan([parameter(JSON.stringify(document))], [drifted('aws_lb_listener.listener_https', 'aws_lb_listener')]) }]);
    expect(review.outcome).toBe('no-changes');
    const markdown = renderReview(review);
    expect(markdown).toContain('Traffic now (traffic state revision 4, by canary-operator): canary **blue** 25 % (`llama-v2`), stable **green** 75 % (`llama-v1`), rollout `r-7`.');
    expect(markdown).toContain('<details><summary>Changed outside Terraform in <code>inference</code>: 1');
    expect(markdown).toContain('- `aws_lb_listener.listener_https`');
  });

  test('idle, the end of a rollout, and a version-1 document each read as what they mean', () => {
    const line = (doc: object) => renderReview(reviewPlans('dev', [{ stack: 'inference', plan: plan([parameter(JSON.stringify(doc))]) }])).split('\n').find((l) => l.startsWith('Traffic now'));
    const idle = { ...document, revision: 1, stable: 'blue', phase: 'idle', canaryPerMille: 0, releases: { blue: release('llama-v1'), green: null }, rolloutId: null, updatedBy: 'terraform' };
    expect(line(idle)).toBe('Traffic now (traffic state revision 1, by terraform): idle, every request to stable **blue** (`llama-v1`).');
    expect(line({ ...document, phase: 'rolled-back', canaryPerMille: 0 })).toBe('Traffic now (traffic state revision 4, by canary-operator): rolled-back, every request to stable **green** (`llama-v1`); **blue** (`llama-v2`) drains, rollout `r-7`.');
    expect(line(legacy)).toBe('Traffic now (traffic state revision 3, by terraform): schema version 1, which the rollout operator adopts on its next command: stable **blue** 100 % (`llama-v1`), canary **green** 0 % (_no model_).');
  });

  test('a traffic state created where the listener already serves traffic is flagged: the parameter was lost', () => {
    const created: PlanResourceChange = { ...parameter(JSON.stringify({ ...document, revision: 1 })), change: { actions: ['create'], before: null, after: { name: '/canaryfleet/prod/traffic-state', insecure_value: '{}' } } };
    const listener: PlanResourceChange = { address: 'aws_lb_listener.listener_https', mode: 'managed', type: 'aws_lb_listener', name: 'listener_https', change: { actions: ['no-op'], before: {}, after: {} } };
    const risks = risksOf(resourceChangesOfPlan(plan([created, listener])));
    expect(risks).toEqual([
      {
        rule: 'traffic-state-recreated',
        address: 'aws_ssm_parameter.traffic_state',
        reason:
          "creates /canaryfleet/prod/traffic-state as revision 1 (idle, blue stable) although aws_lb_listener.listener_https already serves traffic: the parameter was deleted; restore the latest revision from the operator's journal first (docs/traffic-state.md, Recovery)",
      },
    ]);
    // In a new environment the listener is created in the same plan: nothing to restore.
    const newListener: PlanResourceChange = { ...listener, change: { actions: ['create'], before: null, after: {} } };
    expect(risksOf(resourceChangesOfPlan(plan([created, newListener]))).filter((r) => r.rule === 'traffic-state-recreated')).toEqual([]);
  });
});
