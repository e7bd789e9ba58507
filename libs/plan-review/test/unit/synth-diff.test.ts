import { diffSynthesized, renderReview, reviewSynthDiff, type SynthesizedStack } from '../../src';

const meta = (path: string) => ({ '//': { metadata: { path, uniqueId: path } } });

const base: SynthesizedStack = {
  resource: {
    aws_lb_target_group: {
      stable: { ...meta('inference/stable'), name: 'dev-stable', port: 8080, protocol: 'HTTP' },
      canary: { ...meta('inference/canary'), name: 'dev-canary', port: 8080, protocol: 'HTTP' },
    },
    aws_lb_listener: {
      http: {
        default_action: [{ type: 'forward', forward: [{ target_group: [{ arn: '${aws_lb_target_group.stable.arn}', weight: 100 }, { arn: '${aws_lb_target_group.canary.arn}', weight: 0 }] }] }],
      },
    },
    aws_ssm_parameter: { secret: { name: '/dev/secret', type: 'SecureString', value: 'old-secret' } },
    aws_s3_bucket: { logs: { bucket: 'dev-logs' } },
  },
};

const head: SynthesizedStack = {
  resource: {
    aws_lb_target_group: {
      // Only the construct path moved: no change.
      stable: { ...meta('inference/fleets/stable'), name: 'dev-stable', port: 8080, protocol: 'HTTP' },
      canary: { ...meta('inference/canary'), name: 'dev-canary', port: 9090, protocol: 'HTTP' },
    },
    aws_lb_listener: {
      http: {
        default_action: [{ type: 'forward', forward: [{ target_group: [{ arn: '${aws_lb_target_group.stable.arn}', weight: 80 }, { arn: '${aws_lb_target_group.canary.arn}', weight: 20 }] }] }],
      },
    },
    aws_ssm_parameter: { secret: { name: '/dev/secret', type: 'SecureString', value: 'new-secret' } },
    aws_security_group_rule: { world: { type: 'ingress', protocol: 'tcp', from_port: 22, to_port: 22, cidr_blocks: ['0.0.0.0/0'] } },
  },
};

describe('diffSynthesized', () => {
  it('classifies resources, ignoring CDKTF metadata, and never guesses which update is a replacement', () => {
    const kinds = Object.fromEntries(diffSynthesized(base, head).map((change) => [change.address, [change.kind, change.replacementUnknown ?? false]]));
    expect(kinds).toEqual({
      'aws_lb_target_group.stable': ['no-op', false],
      // A port change replaces a target group, but only the provider's schema (a plan) says so.
      'aws_lb_target_group.canary': ['update', true],
      'aws_lb_listener.http': ['update', true],
      'aws_ssm_parameter.secret': ['update', true],
      'aws_s3_bucket.logs': ['delete', false],
      'aws_security_group_rule.world': ['create', false],
    });
  });

  it('says plainly which updates may be replacements, and flags those of stateful resources as risky', () => {
    const review = reviewSynthDiff('dev', 'main', [{ stack: 'inference', before: base, after: head }]);
    const mayBeReplaced = review.stacks[0].risks.filter((risk) => risk.reason.startsWith('may be replaced')).map((risk) => risk.address);
    expect(mayBeReplaced).toEqual(['aws_lb_listener.http', 'aws_lb_target_group.canary', 'aws_ssm_parameter.secret']);
    const markdown = renderReview(review);
    expect(markdown).toContain('**no way to know which updates replace a resource**');
    expect(markdown).toContain('- **update or replace** `aws_lb_target_group.canary` _(a synth diff cannot know whether this replaces it; a plan does)_');
    expect(markdown).toContain('| Stack | Create | Update or replace | Delete | No-op | Outputs changed |');
  });

  it('reviews output changes of the configuration', () => {
    const withOutputs = (value: string): SynthesizedStack => ({ ...base, output: { alb_arn: { value }, secret: { value: '${aws_ssm_parameter.secret.value}', sensitive: true } } });
    const review = reviewSynthDiff('dev', 'main', [{ stack: 'inference', before: withOutputs('${aws_lb.old.arn}'), after: { ...withOutputs('${aws_lb.new.arn}'), output: { alb_arn: { value: '${aws_lb.new.arn}' } } } }]);
    expect(review.stacks[0].outputs.map((output) => `${output.kind} ${output.name}`)).toEqual(['update alb_arn', 'delete secret']);
    expect(review.outcome).toBe('changes');
  });

  it('treats a stack missing on one side as all-created or all-deleted', () => {
    expect(diffSynthesized(undefined, base).every((change) => change.kind === 'create')).toBe(true);
    expect(diffSynthesized(base, undefined).every((change) => change.kind === 'delete')).toBe(true);
  });
});

describe('synthesized JSON shapes', () => {
  it('reads single blocks written as objects and booleans written as strings, as CDKTF synthesizes them', () => {
    const listener = (stable: number, canary: number) => ({
      resource: {
        aws_lb_listener: {
          http: {
            default_action: [{ type: 'forward', forward: { target_group: [{ arn: '${aws_lb_target_group.stable.arn}', weight: stable }, { arn: '${aws_lb_target_group.canary.arn}', weight: canary }] } }],
          },
        },
        aws_launch_template: { fleet: { block_device_mappings: [{ ebs: { encrypted: stable === 100 ? 'true' : 'false' } }] } },
      },
    });
    const review = reviewSynthDiff('dev', 'main', [{ stack: 'inference', before: listener(100, 0), after: listener(50, 50) }]);
    expect(review.stacks[0].risks.map((risk) => `${risk.address} ${risk.attribute}: ${risk.reason}`)).toEqual([
      'aws_launch_template.fleet undefined: may be replaced: a synth diff cannot know which changes force a new resource (a plan does); fleets boot from the launch template',
      'aws_launch_template.fleet block_device_mappings[0].ebs.encrypted: encrypted turned off (true → false)',
      'aws_lb_listener.http undefined: may be replaced: a synth diff cannot know which changes force a new resource (a plan does); a listener carries traffic',
      'aws_lb_listener.http default_action[0].forward[0].target_group: weights: aws_lb_target_group.canary 0 → 50, aws_lb_target_group.stable 100 → 50',
    ]);
  });

  it('keeps an SSM parameter\'s insecure_value readable and masks a SecureString value', () => {
    const parameter = (value: string) => ({ resource: { aws_ssm_parameter: { plain: { type: 'String', insecure_value: value }, secret: { type: 'SecureString', value } } } });
    const markdown = renderReview(reviewSynthDiff('dev', 'main', [{ stack: 'inference', before: parameter('a'), after: parameter('b') }]));
    expect(markdown).toContain('`insecure_value`: `"a"` → `"b"`');
    expect(markdown).toContain('`value`: _(sensitive value)_ → _(sensitive value)_');
  });
});

describe('reviewSynthDiff', () => {
  it('applies the same risk rules and never prints a secret', () => {
    const review = reviewSynthDiff('dev', 'origin/main', [{ stack: 'inference', before: base, after: head }]);
    expect(review.outcome).toBe('risky-changes');
    const markdown = renderReview(review);
    expect(markdown).not.toMatch(/old-secret|new-secret/);
    expect(markdown).toMatchSnapshot();
  });
});
