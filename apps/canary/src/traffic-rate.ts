import type { OperatorPorts } from '@canaryfleet/rollout-aws';

/** The request rate and error rate of the weighted target groups over the last 15 minutes (ALB metrics). */
export async function currentTraffic(ports: OperatorPorts, now: Date): Promise<{ requestsPerSecond: number; baselineErrorRate: number }> {
  const to = Math.floor(now.getTime() / 60_000) * 60;
  const from = to - 900;
  const points = await ports.metrics.read(from, to);
  const sum = (metric: string) => points.filter((p) => p.source === 'alb' && p.metric === metric).reduce((total, p) => total + p.value, 0);
  const requests = sum('requests');
  return { requestsPerSecond: requests / 900, baselineErrorRate: requests > 0 ? sum('errors') / requests : 0.005 };
}
