import { FLEET_METRICS, fleetMetricData } from '../src';

describe('fleet metrics', () => {
  test('one period becomes one high-resolution datum per metric, labelled by environment, fleet and route', () => {
    const start = new Date('2026-11-29T12:00:10Z');
    const data = fleetMetricData({ environment: 'local', fleet: 'green', route: 'weighted' }, { requests: 120, errors: 3, slowRequests: 7, qualityScoreSum: 101.5, qualityScoreCount: 118 }, start);
    expect(data.map((d) => [d.MetricName, d.Value])).toEqual([
      ['RequestCount', 120],
      ['ErrorCount', 3],
      ['SlowRequestCount', 7],
      ['QualityScoreSum', 101.5],
      ['QualityScoreCount', 118],
    ]);
    for (const datum of data) {
      expect(datum.Dimensions).toEqual([
        { Name: 'Environment', Value: 'local' },
        { Name: 'Fleet', Value: 'green' },
        { Name: 'Route', Value: 'weighted' },
      ]);
      expect(datum.StorageResolution).toBe(1);
      expect(datum.Timestamp).toBe(start);
    }
    expect(FLEET_METRICS.periodSeconds).toBe(10);
  });
});
