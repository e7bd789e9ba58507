import { assertDistinctNetworks } from '@canaryfleet/config';
import { ENVIRONMENTS } from '../apps';
import { loadEnvironmentConfig } from '../environment-config';

describe('environment files', () => {
  const configs = ENVIRONMENTS.map(loadEnvironmentConfig);

  test('each app holds the config of the environment it is named after', () => {
    expect(configs.map((c) => c.name)).toEqual([...ENVIRONMENTS]);
  });

  test('no two environments share address space', () => {
    expect(() => assertDistinctNetworks(configs)).not.toThrow();
  });

  test('only prod is a production environment and only local runs on the local AWS', () => {
    expect(configs.filter((c) => c.tier === 'production').map((c) => c.name)).toEqual(['prod']);
    expect(configs.filter((c) => c.localAws).map((c) => c.name)).toEqual(['local']);
  });

  test('every environment keeps its state in its own key', () => {
    const keys = configs.map((c) => `${c.stateBackend.bucket}/${c.stateBackend.keyPrefix}/${c.name}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  test('an unknown environment is refused with the allowed names', () => {
    expect(() => loadEnvironmentConfig('qa')).toThrow('environment "qa": must be one of dev, staging, prod, local');
  });
});
