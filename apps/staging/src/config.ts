import { defineEnvironment } from '@canaryfleet/config';

/** Staging: one small GPU instance type, HTTPS, the same shape as production at a fraction of its size. */
export const config = defineEnvironment({
  name: 'staging',
  tier: 'non-production',
  region: 'us-east-1',
  account: '222222222222',
  network: { vpcCidr: '10.20.0.0/16', availabilityZones: { 'us-east-1a': 0, 'us-east-1b': 1 }, natGateways: 'single', flowLogRetentionDays: 90 },
  fleet: { instanceType: 'g6.xlarge', minCapacity: 1, maxCapacity: 2, initialCapacity: 1, rootVolumeGiB: 200, healthCheckGracePeriodSeconds: 900 },
  server: {
    image: '222222222222.dkr.ecr.us-east-1.amazonaws.com/llm-server:1.4.2',
    port: 8080,
    healthPath: '/health',
    modelArtifactUri: 's3://canaryfleet-models-222222222222/staging/',
    initialModelVersion: 'llama-3.1-8b-2026-11-01',
  },
  routing: {
    certificateArn: 'arn:aws:acm:us-east-1:222222222222:certificate/5f0c1b7e-2d4a-4c8e-9a43-0c7d2f1e6b21',
    deletionProtection: false,
    accessLogRetentionDays: 90,
  },
  github: { repository: 'example-org/canaryfleet' },
  stateBackend: { bucket: 'canaryfleet-tfstate-222222222222-us-east-1', region: 'us-east-1' },
});
