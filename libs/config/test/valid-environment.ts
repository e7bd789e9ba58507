import type { EnvironmentInput } from '../src';

/** A complete, valid non-production environment; tests change one field at a time. */
export function validEnvironment(): EnvironmentInput {
  return {
    name: 'dev',
    tier: 'non-production',
    region: 'us-east-1',
    network: { vpcCidr: '10.10.0.0/16', availabilityZones: { 'us-east-1a': 0, 'us-east-1b': 1 } },
    fleet: { instanceType: 'c7i.xlarge', minCapacity: 1, maxCapacity: 2, initialCapacity: 1 },
    server: {
      image: '111111111111.dkr.ecr.us-east-1.amazonaws.com/llm-server:1.4.2',
      port: 8080,
      healthPath: '/health',
      modelArtifactUri: 's3://models-bucket/dev/',
      initialModelVersion: 'v1',
    },
    routing: { certificateArn: null, plainHttpReason: 'no certificate in this test environment' },
    stateBackend: { bucket: 'canaryfleet-tfstate-test', region: 'us-east-1' },
  };
}

/** A valid production environment. */
export function validProduction(): EnvironmentInput {
  const env = validEnvironment();
  return {
    ...env,
    name: 'prod',
    tier: 'production',
    network: { vpcCidr: '10.30.0.0/16', availabilityZones: { 'us-east-1a': 0, 'us-east-1b': 1, 'us-east-1c': 2 }, natGateways: 'per-az' },
    routing: { certificateArn: 'arn:aws:acm:us-east-1:333333333333:certificate/9a1e4c2d-7b3f-4e6a-8d15-2f0b9c4e7a63', deletionProtection: true },
  };
}
