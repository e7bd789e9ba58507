import { awsClients, seedModelArtifacts, startDataPlane, type DataPlane, type EnvironmentOutputs } from '@canaryfleet/data-plane';
import { startBackgroundLoad, type BackgroundLoad } from './background-load';
import { LOCAL_LOAD } from './local-rollout-options';

/** A deployed local environment made ready for rollouts: artifacts, the data plane serving, client load. */
export interface RolloutStage {
  readonly plane: DataPlane;
  readonly load: BackgroundLoad;
  stop(): Promise<void>;
}

/**
 * Seeds the catalog's model artifacts (what `canary start` checks), starts the data plane in this
 * process (1 s model load), waits until the stable fleet serves, and starts sticky client load.
 */
export async function startRolloutStage(endpoint: string, outputs: EnvironmentOutputs): Promise<RolloutStage> {
  const aws = awsClients(endpoint);
  try {
    await seedModelArtifacts(aws.s3, outputs.release_defaults.modelArtifactUri);
  } finally {
    aws.destroy();
  }
  const plane = await startDataPlane({ endpoint, outputs, modelLoadSeconds: 1 });
  const deadline = Date.now() + 120_000;
  while (!plane.fleets.servers().some((s) => s.loaded && !s.exited)) {
    if (Date.now() > deadline) {
      await plane.stop();
      throw new Error('no server of the stable fleet loaded its model within 120 s');
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const load = startBackgroundLoad(plane.url, outputs.routing_policy, LOCAL_LOAD);
  return {
    plane,
    load,
    async stop() {
      await load.stop();
      await plane.stop();
    },
  };
}
