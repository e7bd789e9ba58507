import type { EnvironmentConfig } from '@canaryfleet/config';
import { Network } from '@canaryfleet/network';
import { TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { awsProvider } from './aws-provider';
import { useRemoteState } from './remote-state';

/** Name of the one stack of every environment; also its state key's last part. */
export const ENVIRONMENT_STACK = 'inference';

/**
 * Everything one environment runs, in one stack and one state (docs/adr/0002-one-stack-per-environment.md).
 * Environments differ only in the config they pass.
 */
export class EnvironmentStack extends TerraformStack {
  readonly network: Network;

  constructor(scope: Construct, readonly config: EnvironmentConfig) {
    super(scope, ENVIRONMENT_STACK);
    awsProvider(this, config);
    useRemoteState(this, config, ENVIRONMENT_STACK);

    const { routing } = config;
    const listenerPorts = routing.certificateArn === null ? [routing.httpPort] : [routing.httpPort, routing.httpsPort];
    this.network = new Network(this, 'network', {
      environment: config.name,
      region: config.region,
      vpcCidr: config.network.vpcCidr,
      azCount: config.network.azCount,
      natGateways: config.network.natGateways,
      flowLogRetentionDays: config.network.flowLogRetentionDays,
      listenerPorts,
      serverPort: config.server.port,
    });

    new TerraformOutput(this, 'vpc_id', { value: this.network.vpc.id, description: 'VPC of the environment' });
    new TerraformOutput(this, 'private_subnet_ids', { value: this.network.privateSubnets.map((s) => s.id), description: 'Subnets of the inference fleets' });
  }
}
