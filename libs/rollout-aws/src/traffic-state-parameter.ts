import { GetParameterCommand, ParameterNotFound, PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { serializeTrafficState, trafficStateProblems, trafficStateSchema, type FleetColour, type TrafficState } from '@canaryfleet/traffic-state';
import type { ObservedTrafficState } from '@canaryfleet/rollout';

/** The environment's traffic-state parameter (SSM String, DESIGN.md #3): read and written whole. */
export class TrafficStateParameter {
  constructor(
    private readonly ssm: SSMClient,
    readonly name: string,
  ) {}

  async read(): Promise<ObservedTrafficState> {
    try {
      const { Parameter } = await this.ssm.send(new GetParameterCommand({ Name: this.name }));
      let document: unknown;
      try {
        document = JSON.parse(Parameter?.Value ?? '');
      } catch (error) {
        return { kind: 'invalid', problems: [`(document): must be JSON (${(error as Error).message})`] };
      }
      const problems = trafficStateProblems(document);
      return problems.length > 0 ? { kind: 'invalid', problems } : { kind: 'ok', state: trafficStateSchema.parse(document) };
    } catch (error) {
      if (error instanceof ParameterNotFound) return { kind: 'missing' };
      throw error;
    }
  }

  /** Writes a document; it is validated first, so an invalid document is never written (ADR 0003). */
  async write(state: TrafficState): Promise<void> {
    await this.ssm.send(new PutParameterCommand({ Name: this.name, Value: serializeTrafficState(state), Type: 'String', Overwrite: true }));
  }
}

/** The per-fleet AMI parameters the launch templates resolve (`resolve:ssm:`), written when a release starts. */
export class FleetAmiParameters {
  constructor(
    private readonly ssm: SSMClient,
    private readonly names: Readonly<Record<FleetColour, string>>,
  ) {}

  async write(colour: FleetColour, amiId: string): Promise<void> {
    await this.ssm.send(new PutParameterCommand({ Name: this.names[colour], Value: amiId, Type: 'String', DataType: 'aws:ec2:image', Overwrite: true }));
  }

  async read(colour: FleetColour): Promise<string | null> {
    try {
      return (await this.ssm.send(new GetParameterCommand({ Name: this.names[colour] }))).Parameter?.Value ?? null;
    } catch (error) {
      if (error instanceof ParameterNotFound) return null;
      throw error;
    }
  }
}
