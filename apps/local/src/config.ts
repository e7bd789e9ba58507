import { defineEnvironment } from '@canaryfleet/config';

/**
 * Local: the same code path against moto_server on loopback (DESIGN.md #8). Plain HTTP and no
 * deletion protection because nothing here is reachable from outside the machine.
 */
export const config = defineEnvironment({
  name: 'local',
  tier: 'non-production',
  region: 'us-east-1',
  localAws: true,
  // ALB publishes per-target-group metrics every 60 s; the local stand-in every 10 s, so a local rollout
  // is judged in minutes. The operator reads the period from the outputs, so nothing else changes.
  localDataPlane: { albMetricsPeriodSeconds: 10 },
  network: { vpcCidr: '10.90.0.0/16', availabilityZones: { 'us-east-1a': 0, 'us-east-1b': 1 }, natGateways: 'single', flowLogRetentionDays: 7 },
  fleet: { instanceType: 't3.large', minCapacity: 1, maxCapacity: 2, initialCapacity: 1, rootVolumeGiB: 30, healthCheckGracePeriodSeconds: 300 },
  server: {
    image: '000000000000.dkr.ecr.us-east-1.amazonaws.com/llm-server:1.4.2',
    port: 8080,
    healthPath: '/health',
    modelArtifactUri: 's3://canaryfleet-local-models/local/',
    initialModelVersion: 'tiny-llm-v1',
  },
  routing: {
    certificateArn: null,
    plainHttpReason: 'local runs against moto on loopback; there is no certificate authority or DNS name',
    deletionProtection: false,
    accessLogRetentionDays: 7,
    // Local rollouts take minutes: a step's new share reaches the clients bound earlier within 10 s,
    // and the judge's client-mix windows (ADR 0008) are as short.
    stickinessSeconds: 10,
    // The local ALB stand-in sees loopback clients: header overrides only from this machine.
    headerOverride: { sourceCidrs: ['127.0.0.0/8'] },
  },
  stateBackend: { bucket: 'canaryfleet-local-tfstate', region: 'us-east-1' },
});
