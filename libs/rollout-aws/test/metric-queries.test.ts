// moto cannot answer percentile statistics (`TC(x:)`), so the slow-request query that real CloudWatch
// answers is checked here on a recorded GetMetricData response (AWS JSON 1.0, the protocol this SDK
// speaks to CloudWatch), through the real SDK client: what it sends, and what we make of the answer.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { MetricReader, metricQueries } from '../src';

const targets = { environment: 'prod', loadBalancerSuffix: 'app/cf-prod/50dc6c495c0c9188', targetGroupSuffixes: { blue: 'targetgroup/cf-prod-blue/73e2d6bc24d8a067', green: 'targetgroup/cf-prod-green/943f017f100becff' }, albPeriodSeconds: 60, fleet: null };
const albSlow = { fleet: false, albSlowThresholdSeconds: 0.5 };

function recordedClient(body: string, sent: unknown[]): CloudWatchClient {
  return new CloudWatchClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'recorded', secretAccessKey: 'recorded' },
    requestHandler: {
      handle: async (request: { body: Uint8Array }) => {
        sent.push(JSON.parse(new TextDecoder().decode(request.body)));
        return { response: { statusCode: 200, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: Readable.from([Buffer.from(body)]) } };
      },
    } as never,
  });
}

describe('metric queries', () => {
  test('per weighted target group: requests, target 5XX and connection errors at 60 s; slow requests as TC(threshold:)', () => {
    const { queries } = metricQueries(targets, albSlow);
    expect(queries.map((q) => `${q.Id} ${q.MetricStat?.Metric?.MetricName} ${q.MetricStat?.Stat} ${q.MetricStat?.Period}`)).toEqual([
      'alb_blue_requests RequestCount Sum 60',
      'alb_blue_target5xx HTTPCode_Target_5XX_Count Sum 60',
      'alb_blue_connection_errors TargetConnectionErrorCount Sum 60',
      'alb_blue_slow TargetResponseTime TC(0.5:) 60',
      'alb_green_requests RequestCount Sum 60',
      'alb_green_target5xx HTTPCode_Target_5XX_Count Sum 60',
      'alb_green_connection_errors TargetConnectionErrorCount Sum 60',
      'alb_green_slow TargetResponseTime TC(0.5:) 60',
    ]);
    expect(queries[0].MetricStat?.Metric?.Dimensions).toEqual([
      { Name: 'LoadBalancer', Value: 'app/cf-prod/50dc6c495c0c9188' },
      { Name: 'TargetGroup', Value: 'targetgroup/cf-prod-blue/73e2d6bc24d8a067' },
    ]);
  });

  test('fleet-published counts with Route=weighted at the fleet period, when the fleets publish', () => {
    const { queries } = metricQueries({ ...targets, fleet: { namespace: 'CanaryFleet/Inference', periodSeconds: 10 } }, { fleet: true, albSlowThresholdSeconds: null });
    const fleet = queries.filter((q) => q.Id?.startsWith('fleet_green'));
    expect(fleet.map((q) => q.MetricStat?.Metric?.MetricName)).toEqual(['RequestCount', 'ErrorCount', 'SlowRequestCount', 'QualityScoreSum', 'QualityScoreCount']);
    expect(fleet[0].MetricStat?.Metric?.Dimensions).toEqual([
      { Name: 'Environment', Value: 'prod' },
      { Name: 'Fleet', Value: 'green' },
      { Name: 'Route', Value: 'weighted' },
    ]);
    expect(fleet[0].MetricStat?.Period).toBe(10);
  });

  test('a recorded CloudWatch answer becomes datapoints; absent datapoints stay absent (zero)', async () => {
    const sent: { MetricDataQueries: { MetricStat: { Stat: string } }[]; StartTime: number }[] = [];
    const reader = new MetricReader(recordedClient(readFileSync(path.join(__dirname, 'recorded', 'get-metric-data-trimmed-count.json'), 'utf8'), sent as unknown[]), targets, albSlow);
    const points = await reader.read(1795953600, 1795953720);
    expect(sent[0].MetricDataQueries.map((q) => q.MetricStat.Stat)).toContain('TC(0.5:)');
    expect(sent[0].StartTime).toBe(1795953600);
    const sum = (colour: string, metric: string) => points.filter((p) => p.colour === colour && p.metric === metric).reduce((s, p) => s + p.value, 0);
    expect([sum('green', 'requests'), sum('green', 'errors'), sum('green', 'slow')]).toEqual([121, 2, 5]);
    expect([sum('blue', 'requests'), sum('blue', 'errors'), sum('blue', 'slow')]).toEqual([11833, 3, 119]);
    expect(points.every((p) => p.periodSeconds === 60 && p.source === 'alb')).toBe(true);
  });
});
