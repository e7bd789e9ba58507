import { defineEnvironment } from '@canaryfleet/config';

/** Production: GPU fleets of one instance type (L4, as staging) across three zones, a NAT gateway per AZ, HTTPS only, deletion protection. */
export const config = defineEnvironment({
  name: 'prod',
  tier: 'production',
  region: 'us-east-1',
  account: '333333333333',
  network: { vpcCidr: '10.30.0.0/16', availabilityZones: { 'us-east-1a': 0, 'us-east-1b': 1, 'us-east-1c': 2 }, natGateways: 'per-az', flowLogRetentionDays: 365 },
  fleet: { instanceType: 'g6.2xlarge', minCapacity: 3, maxCapacity: 12, initialCapacity: 3, rootVolumeGiB: 300, healthCheckGracePeriodSeconds: 1200 },
  server: {
    image: '333333333333.dkr.ecr.us-east-1.amazonaws.com/llm-server:1.4.2',
    port: 8080,
    healthPath: '/health',
    modelArtifactUri: 's3://canaryfleet-models-333333333333/prod/',
    initialModelVersion: 'llama-3.1-8b-2026-11-01',
  },
  routing: {
    certificateArn: 'arn:aws:acm:us-east-1:333333333333:certificate/9a1e4c2d-7b3f-4e6a-8d15-2f0b9c4e7a63',
    deletionProtection: true,
    accessLogRetentionDays: 365,
  },
  github: { repository: 'example-org/canaryfleet' },
  stateBackend: { bucket: 'canaryfleet-tfstate-333333333333-us-east-1', region: 'us-east-1' },
  alarms: { email: 'ml-platform-oncall@example.com' },
});
