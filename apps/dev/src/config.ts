import { defineEnvironment } from '@canaryfleet/config';

/** Development: CPU instances, the smallest footprint that still runs the real code path. */
export const config = defineEnvironment({
  name: 'dev',
  tier: 'non-production',
  region: 'us-east-1',
  account: '111111111111',
  network: { vpcCidr: '10.10.0.0/16', availabilityZones: { 'us-east-1a': 0, 'us-east-1b': 1 }, natGateways: 'single', flowLogRetentionDays: 30 },
  fleet: { instanceType: 'c7i.xlarge', minCapacity: 1, maxCapacity: 2, initialCapacity: 1, rootVolumeGiB: 60, healthCheckGracePeriodSeconds: 600 },
  server: {
    image: '111111111111.dkr.ecr.us-east-1.amazonaws.com/llm-server:1.4.2',
    port: 8080,
    healthPath: '/health',
    modelArtifactUri: 's3://canaryfleet-models-111111111111/dev/',
    initialModelVersion: 'llama-3.1-8b-q4-2026-11-01',
  },
  routing: {
    certificateArn: null,
    plainHttpReason: 'dev serves synthetic test traffic only and has no public DNS name or certificate',
    deletionProtection: false,
    accessLogRetentionDays: 30,
  },
  github: { repository: 'example-org/canaryfleet' },
  stateBackend: { bucket: 'canaryfleet-tfstate-111111111111-us-east-1', region: 'us-east-1' },
});
