import { assertEnvironmentName, ENVIRONMENTS, parseEnvironmentList, WORKFLOW_ENVIRONMENTS } from '../src';

describe('the environment list', () => {
  test('is read in deploy order, and the workflows deploy every environment but local', () => {
    expect(ENVIRONMENTS).toEqual(['dev', 'staging', 'prod', 'local']);
    expect(WORKFLOW_ENVIRONMENTS).toEqual(['dev', 'staging', 'prod']);
  });

  test.each([
    [{}, 'list.json: "environments" must be a non-empty array'],
    [{ environments: [] }, 'list.json: "environments" must be a non-empty array'],
    [{ environments: [{ name: 'Dev', deployedByWorkflows: true }] }, 'list.json: environments[0].name = "Dev": must be 2-16 lowercase letters'],
    [{ environments: [{ name: 'dev', deployedByWorkflows: true }, { name: 'dev', deployedByWorkflows: false }] }, 'list.json: environments[1].name = "dev": listed twice'],
    [{ environments: [{ name: 'dev', deployedByWorkflows: 'yes' }] }, 'list.json: environments[0].deployedByWorkflows = "yes": must be true or false'],
  ])('refuses %j', (document, message) => {
    expect(() => parseEnvironmentList(document, 'list.json')).toThrow(message);
  });

  test('names the field and the allowed names for an unknown environment', () => {
    expect(assertEnvironmentName('prod', 'app')).toBe('prod');
    expect(() => assertEnvironmentName('qa', 'app (first argument)')).toThrow('app (first argument) = "qa": must be one of dev, staging, prod, local');
    expect(() => assertEnvironmentName(undefined, 'CANARYFLEET_APP')).toThrow('CANARYFLEET_APP = null: must be one of');
  });
});
