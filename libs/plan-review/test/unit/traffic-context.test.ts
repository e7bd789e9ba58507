import { renderReview, reviewPlans, trafficContextOfPlan, type PlanJson, type PlanResourceChange } from '../../src';

const document = {
  schemaVersion: 1,
  revision: 4,
  stable: 'green',
  weights: { blue: 25, green: 75 },
  modelVersions: { blue: 'llama-v2', green: 'llama-v1' },
  updatedAt: '2026-11-29T12:00:00Z',
  updatedBy: 'canary-operator',
};

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
    expect(context.trafficState).toEqual(document);
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
    expect(trafficContextOfPlan(plan([parameter(JSON.stringify({ ...document, weights: { blue: 50, green: 60 } }))])).trafficState).toBeUndefined();
  });

  test('the review shows traffic now and what changed outside Terraform, and stays "no changes"', () => {
    const review = reviewPlans('prod', [{ stack: 'inference', plan: plan([parameter(JSON.stringify(document))], [drifted('aws_lb_listener.listener_https', 'aws_lb_listener')]) }]);
    expect(review.outcome).toBe('no-changes');
    const markdown = renderReview(review);
    expect(markdown).toContain('Traffic now (traffic state revision 4, by canary-operator): stable **green** 75 % (`llama-v1`), canary **blue** 25 % (`llama-v2`).');
    expect(markdown).toContain('<details><summary>Changed outside Terraform in <code>inference</code>: 1');
    expect(markdown).toContain('- `aws_lb_listener.listener_https`');
  });

  test('a fleet without a model says so', () => {
    const idle = { ...document, revision: 1, stable: 'blue', weights: { blue: 100, green: 0 }, modelVersions: { blue: 'llama-v1', green: null }, updatedBy: 'terraform' };
    const markdown = renderReview(reviewPlans('dev', [{ stack: 'inference', plan: plan([parameter(JSON.stringify(idle))]) }]));
    expect(markdown).toContain('stable **blue** 100 % (`llama-v1`), canary **green** 0 % (_no model_).');
    expect(markdown).not.toContain('Changed outside Terraform');
  });
});
