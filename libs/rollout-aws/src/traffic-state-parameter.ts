import { GetParameterCommand, ParameterNotFound, PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { InvalidTrafficStateError, parseStoredTrafficState, serializeTrafficState, type FleetColour, type StoredTrafficState, type TrafficState } from '@canaryfleet/traffic-state';
import type { ObservedTrafficState } from '@canaryfleet/rollout';

/** The environment's traffic-state parameter (SSM String, DESIGN.md #3): read and written whole. */
export class TrafficStateParameter {
  constructor(
    private readonly ssm: SSMClient,
    readonly name: string,
  ) {}

  /** The parameter's value; null when there is no parameter. */
  private async value(): Promise<string | null> {
    try {
      return (await this.ssm.send(new GetParameterCommand({ Name: this.name }))).Parameter?.Value ?? '';
    } catch (error) {
      if (error instanceof ParameterNotFound) return null;
      throw error;
    }
  }

  /** What the parameter holds, current or version 1 (ADR 0007); null without a parameter; throws on an invalid document. */
  async readStored(): Promise<StoredTrafficState | null> {
    const value = await this.value();
    return value === null ? null : parseStoredTrafficState(value, this.name);
  }

  /** The current document as the reconcile step observes it; a version-1 document is not one yet. */
  async read(): Promise<ObservedTrafficState> {
    const value = await this.value();
    if (value === null) return { kind: 'missing' };
    try {
      const stored = parseStoredTrafficState(value, this.name);
      if (stored.schemaVersion === 1) {
        return { kind: 'invalid', problems: [`schemaVersion = 1: revision ${stored.legacy.revision} is a version-1 document the operator has not adopted yet; any canary command adopts it (docs/traffic-state.md)`] };
      }
      return { kind: 'ok', state: stored.state };
    } catch (error) {
      if (error instanceof InvalidTrafficStateError) return { kind: 'invalid', problems: error.problems };
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
