import type { EnvironmentInput } from '@canaryfleet/config';

/** A valid non-production environment in eu-west-1 with header overrides from one network; tests change one field at a time. */
export const base: EnvironmentInput = {
  name: 'dev',
  tier: 'non-production',
  region: 'eu-west-1',
  account: '111111111111',
  network: { vpcCidr: '10.10.0.0/16', availabilityZones: { 'eu-west-1a': 0, 'eu-west-1b': 1 } },
  fleet: { instanceType: 'c7i.xlarge', minCapacity: 1, maxCapacity: 3, initialCapacity: 2 },
  server: { image: '111111111111.dkr.ecr.eu-west-1.amazonaws.com/llm:1.0', port: 8080, healthPath: '/health', modelArtifactUri: 's3://models/dev/', initialModelVersion: 'v1', slowRequestSeconds: 2.5 },
  routing: { certificateArn: null, plainHttpReason: 'test environment without a certificate', headerOverride: { sourceCidrs: ['203.0.113.0/24'] } },
  stateBackend: { bucket: 'canaryfleet-tfstate-test', region: 'eu-central-1' },
  github: { repository: 'example-org/canaryfleet' },
};
