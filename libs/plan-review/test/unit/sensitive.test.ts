import { attributeChanges, maskValue, SENSITIVE, UNKNOWN } from '../../src';
import { change } from '../support/changes';

describe('maskValue', () => {
  it('masks exactly where the sensitivity mirror is true, down to nested blocks', () => {
    const value = { name: 'db', password: 'hunter2', block: [{ token: 't', port: 5432 }] };
    expect(maskValue(value, { password: true, block: [{ token: true }] })).toEqual({
      block: [{ port: 5432, token: SENSITIVE }],
      name: 'db',
      password: SENSITIVE,
    });
  });

  it('masks a whole container when the mirror is true there, and marks unknown values', () => {
    expect(maskValue({ tags: { a: '1' }, id: null }, { tags: true }, { id: true })).toEqual({ id: UNKNOWN, tags: SENSITIVE });
  });
});

describe('attributeChanges', () => {
  it('lists a changed secret without printing it, and omits an unchanged one', () => {
    const items = attributeChanges(
      change('aws_ssm_parameter.key', 'update', { value: 'old', other: 's' }, { value: 'new', other: 's' }, { beforeSensitive: { value: true, other: true }, afterSensitive: { value: true, other: true } }),
    );
    expect(items).toEqual([{ path: 'value', before: SENSITIVE, after: SENSITIVE, forcesReplacement: false }]);
    expect(JSON.stringify(items)).not.toMatch(/old|new/);
  });

  it('marks the paths that force replacement', () => {
    const items = attributeChanges(change('aws_lb_target_group.tg', 'replace', { port: 80, name: 'a' }, { port: 81, name: 'a' }, { replacePaths: ['port'] }));
    expect(items).toEqual([{ path: 'port', before: 80, after: 81, forcesReplacement: true }]);
  });

  it('compares set blocks (forward target groups) as sorted wholes, not by position', () => {
    const before = { default_action: [{ forward: [{ target_group: [{ arn: 'b', weight: 0 }, { arn: 'a', weight: 100 }] }] }] };
    const reordered = { default_action: [{ forward: [{ target_group: [{ arn: 'a', weight: 100 }, { arn: 'b', weight: 0 }] }] }] };
    expect(attributeChanges(change('aws_lb_listener.l', 'update', before, reordered))).toEqual([]);
  });
});
