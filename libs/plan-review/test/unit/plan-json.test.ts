import { parsePlanJson, PlanInputError } from '../../src';

describe('parsePlanJson', () => {
  it('accepts the JSON of a saved plan', () => {
    expect(parsePlanJson('{"format_version":"1.2","resource_changes":[]}', 'dev/inference.plan.json').format_version).toBe('1.2');
  });

  it.each([
    ['not json', /dev\/x\.json: not JSON/],
    ['[]', /expected a JSON object .* got an array/],
    ['{"format_version":"0.1"}', /format_version "0\.1" is not supported; plan review reads format 1\.x/],
    ['{"format_version":"1.0","values":{}}', /the JSON of a state, not of a saved plan/],
  ])('rejects %s, naming the file and what is expected', (text, message) => {
    expect(() => parsePlanJson(text, 'dev/x.json')).toThrow(PlanInputError);
    expect(() => parsePlanJson(text, 'dev/x.json')).toThrow(message);
  });
});
