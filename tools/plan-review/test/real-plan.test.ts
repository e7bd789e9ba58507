import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { requireIntegrationTools, startMoto, type LocalAws } from '../../index';
import { exitCodeOf, parsePlanJson, renderReview, reviewPlans, type Review } from '@canaryfleet/plan-review';
import { runPlanReview } from '../cli';
import { makeRealPlans } from './real-plan';

const run = requireIntegrationTools('plan-review real-plan tests');
const describeReal = run ? describe : describe.skip;

/** Ids and ARN suffixes moto makes up differ per run; the snapshot keeps their shape only. */
function normalise(markdown: string): string {
  return markdown
    .replace(/\b(sg|sgr|lt|subnet|vpc|igw|eni)-[0-9a-f]{8,17}\b/g, '$1-<id>')
    .replace(/\/[0-9a-f]{16}\b/g, '/<id>');
}

describeReal('review of a real plan made by terraform against moto', () => {
  let moto: LocalAws;
  let changes: Review;
  let noChanges: Review;
  let plans: { noChanges: unknown; changes: unknown };

  beforeAll(async () => {
    moto = await startMoto();
    plans = await makeRealPlans(moto);
    changes = reviewPlans('local', [{ stack: 'inference', plan: parsePlanJson(JSON.stringify(plans.changes), 'v2 plan') }]);
    noChanges = reviewPlans('local', [{ stack: 'inference', plan: parsePlanJson(JSON.stringify(plans.noChanges), 'v1 plan') }]);
  }, 180_000);

  afterAll(async () => {
    await moto?.stop();
  });

  it('counts create, update, replace and delete', () => {
    expect(changes.stacks[0].counts).toMatchObject({ create: 1, update: 9, replace: 2, delete: 1 });
    expect(exitCodeOf(changes.outcome)).toBe(3);
  });

  it('flags every risk the plan carries, with address and attribute', () => {
    const found = changes.stacks[0].risks.map((risk) => `${risk.rule} ${risk.address} ${risk.attribute ?? '-'}`);
    expect(found.sort()).toEqual(
      [
        'iam-widening aws_iam_role_policy.fleet policy',
        'iam-widening aws_iam_role_policy.fleet policy',
        'stateful-replace-or-delete aws_launch_template.fleet name',
        'fleet-capacity aws_launch_template.fleet instance_type',
        'listener-routing aws_lb_listener.http default_action[0].forward[0].target_group',
        'stateful-replace-or-delete aws_lb_target_group.canary port',
        'protection-off aws_lb.inference enable_deletion_protection',
        'stateful-replace-or-delete aws_s3_bucket.logs -',
        'world-open-ingress aws_vpc_security_group_ingress_rule.alb_https_world cidr_ipv4',
        'policy-widening aws_iam_role.fleet assume_role_policy',
        'policy-widening aws_kms_key.alarms policy',
        'policy-widening aws_kms_key.alarms policy',
        'policy-widening aws_s3_bucket_policy.state policy',
        'policy-widening aws_s3_bucket_policy.state policy',
        'policy-widening aws_sns_topic.alarms policy',
      ].sort(),
    );
    const weights = changes.stacks[0].risks.find((risk) => risk.rule === 'listener-routing');
    expect(weights?.reason).toBe('weights: review-fixture-canary 0 → 10, review-fixture-stable 100 → 90');
  });

  it('flags the widened trust policy and bucket, key and topic policies with what they newly allow', () => {
    const widened = changes.stacks[0].risks.filter((risk) => risk.rule === 'policy-widening').map((risk) => `${risk.address}: ${risk.reason}`);
    expect(widened.sort()).toEqual([
      'aws_iam_role.fleet: newly allows AWS:arn:aws:iam::222222222222:root to sts:assumerole',
      'aws_kms_key.alarms: newly allows Service:cloudwatch.amazonaws.com to kms:decrypt on *',
      'aws_kms_key.alarms: newly allows Service:cloudwatch.amazonaws.com to kms:generatedatakey* on *',
      'aws_s3_bucket_policy.state: newly allows anyone (Principal "*") to s3:getobject on arn:aws:s3:::review-fixture-state/*',
      'aws_s3_bucket_policy.state: no longer denies (TlsOnly) s3:* if Bool:aws:SecureTransport=false',
      'aws_sns_topic.alarms: Service:cloudwatch.amazonaws.com may sns:publish on arn:aws:sns:us-east-1:123456789012:review-fixture-alarms without condition StringEquals:aws:SourceAccount=123456789012',
    ]);
  });

  it('shows the launch template user data decoded, as a line diff, never as base64', () => {
    const markdown = renderReview(changes);
    expect(markdown).toContain(['    -export MODEL_VERSION=llama-v1', '    +export MODEL_VERSION=llama-v2'].join('\n'));
    expect(markdown).not.toMatch(/`user_data`: `"[A-Za-z0-9+/=]+"`/);
  });

  it('shows the outputs the plan adds, changes and removes', () => {
    expect(changes.stacks[0].outputs.map((output) => `${output.kind} ${output.name}`)).toEqual(['create alarm_topic_arn', 'update fleet_instance_type', 'delete logs_bucket']);
    expect(noChanges.stacks[0].outputs).toEqual([]);
  });

  it('masks the SecureString value as terraform does', () => {
    const markdown = renderReview(changes);
    expect(markdown).toContain('`value`: _(sensitive value)_ → _(sensitive value)_');
    expect(markdown).not.toMatch(/first-secret|second-secret/);
  });

  it('renders the golden review', () => {
    expect(normalise(renderReview(changes))).toMatchSnapshot();
  });

  it('exits 3 from the command for the risky plan and 0 for the plan without changes', () => {
    const plansRoot = mkdtempSync(path.join(tmpdir(), 'plan-review-cli-'));
    try {
      mkdirSync(path.join(plansRoot, 'local'));
      const planFile = path.join(plansRoot, 'local', 'inference.plan.json');
      writeFileSync(planFile, JSON.stringify(plans.changes));
      expect(runPlanReview(['local', '--detailed-exitcode'], { plansRoot, stdout: () => undefined })).toBe(3);
      expect(normalise(readFileSync(path.join(plansRoot, 'local', 'review.md'), 'utf8'))).toBe(normalise(renderReview(changes)));
      writeFileSync(planFile, JSON.stringify(plans.noChanges));
      expect(runPlanReview(['local', '--detailed-exitcode'], { plansRoot, stdout: () => undefined })).toBe(0);
    } finally {
      rmSync(plansRoot, { recursive: true, force: true });
    }
  });

  it('reports no changes right after apply', () => {
    expect(noChanges.outcome).toBe('no-changes');
    expect(normalise(renderReview(noChanges))).toMatchSnapshot();
  });
});
