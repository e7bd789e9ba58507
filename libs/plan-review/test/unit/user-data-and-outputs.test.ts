import { gzipSync } from 'node:zlib';
import { decodeUserData, renderReview, reviewPlans, type PlanJson } from '../../src';

const script = (model: string) => `#!/bin/bash\nset -euo pipefail\nexport PORT=8080\nexport MODEL=${model}\nexec /opt/server\n`;
const base64 = (text: string) => Buffer.from(text).toString('base64');

describe('user data', () => {
  it('decodes base64, gzip and a synthesized base64encode() expression to the text the instance reads', () => {
    expect(decodeUserData('aws_launch_template', 'user_data', base64(script('a')))).toBe(script('a'));
    expect(decodeUserData('aws_launch_template', 'user_data', gzipSync(script('b')).toString('base64'))).toBe(script('b'));
    expect(decodeUserData('aws_launch_template', 'user_data', `\${base64encode(${JSON.stringify(script('c'))})}`)).toBe(script('c'));
    expect(decodeUserData('aws_instance', 'user_data', script('d'))).toBe(script('d'));
    expect(decodeUserData('aws_launch_template', 'user_data', Buffer.from([0xff, 0xfe, 0x00, 0x81]).toString('base64'))).toBeUndefined();
  });

  it('is shown as a line diff of the decoded script, not as base64', () => {
    const plan: PlanJson = {
      format_version: '1.2',
      resource_changes: [
        {
          address: 'aws_launch_template.fleet',
          mode: 'managed',
          type: 'aws_launch_template',
          name: 'fleet',
          change: { actions: ['update'], before: { user_data: base64(script('llama-v1')) }, after: { user_data: base64(script('llama-v2')) } },
        },
      ],
    };
    const markdown = renderReview(reviewPlans('dev', [{ stack: 'inference', plan }]));
    expect(markdown).toContain(['  - `user_data` (decoded, line diff):', '', '    ```diff', '    @@ -1,5 +1,5 @@', '     #!/bin/bash', '     set -euo pipefail', '     export PORT=8080', '    -export MODEL=llama-v1', '    +export MODEL=llama-v2', '     exec /opt/server', '    ```'].join('\n'));
    expect(markdown).not.toContain(base64(script('llama-v1')));
  });
});

describe('outputs', () => {
  it('makes a plan that changes only outputs a change, and shows them with sensitive values masked', () => {
    const plan: PlanJson = {
      format_version: '1.2',
      resource_changes: [],
      output_changes: {
        alb_arn: { actions: ['update'], before: 'arn:old', after: 'arn:new' },
        token: { actions: ['create'], before: null, after: 'secret-token', before_sensitive: false, after_sensitive: true },
        gone: { actions: ['delete'], before: 'x', after: null },
        same: { actions: ['no-op'], before: 'y', after: 'y' },
        later: { actions: ['create'], before: null, after: null, after_unknown: true },
      },
    };
    const review = reviewPlans('dev', [{ stack: 'inference', plan }]);
    expect(review.outcome).toBe('changes');
    const markdown = renderReview(review);
    expect(markdown).toContain('| inference | 0 | 0 | 0 | 0 | 0 | 4 |');
    expect(markdown).toContain(
      ['- **update** `alb_arn`: `"arn:old"` → `"arn:new"`', '- **delete** `gone` (was `"x"`)', '- **create** `later` = _(known after apply)_', '- **create** `token` = _(sensitive value)_'].join('\n'),
    );
    expect(markdown).not.toContain('secret-token');
  });
});
