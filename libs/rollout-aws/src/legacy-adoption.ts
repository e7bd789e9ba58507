import { initialRecord, isoSeconds, OPERATOR_WRITER, type RolloutRecord } from '@canaryfleet/rollout';
import { adoptLegacyDocument, canaryColour, listenerDifferences, renderListenerActions, type TrafficState } from '@canaryfleet/traffic-state';
import { routingOf, type OperatorEnvironment } from './operator-environment';
import type { OperatorPorts } from './operator-ports';
import { buildRolloutSpec } from './rollout-spec';

/**
 * ADR 0007, "Environments deployed before ADR 0007": the operator's first command adopts a version-1
 * traffic state. Journaled first (the version-1 document and the adopted one), then written one
 * revision up, then the listener actions it renders, read back. A canary or a promotion in flight
 * becomes rollout `adopted-r<revision>`, journaled with an already expired lease, so `canary resume`
 * (or the watchdog) judges it on, and `canary abort` or `promote` act on it. Returns the adopted
 * document, or null when there was nothing to adopt.
 */
export async function adoptLegacyTrafficState(ports: OperatorPorts, environment: OperatorEnvironment, actor: string, now: Date): Promise<TrafficState | null> {
  const stored = await ports.trafficState.readStored();
  if (!stored || stored.schemaVersion !== 1) return null;
  const amiIds = { blue: await ports.amis.read('blue'), green: await ports.amis.read('green') };
  if (!amiIds.blue || !amiIds.green) throw new Error(`${environment.name}: cannot adopt the version-1 traffic state: the fleet AMI parameters ${Object.values(environment.outputs.fleet_ami_parameters).join(', ')} must exist (deploy first)`);
  const adopted = adoptLegacyDocument(stored.legacy, { serverImage: environment.outputs.release_defaults.serverImage, amiIds: { blue: amiIds.blue, green: amiIds.green } }, { at: now, by: OPERATOR_WRITER });
  await ports.store.recordAdoption(stored.legacy, adopted, actor);
  await ports.trafficState.write(adopted);
  const { targets, policy } = routingOf(environment);
  const rendered = renderListenerActions(adopted, targets, policy);
  const differences = listenerDifferences(rendered, await ports.router.write(rendered));
  if (differences.length > 0) throw new Error(`${environment.name}: adopted traffic state revision ${adopted.revision}, but the listener does not read back as written: ${differences.join('; ')}`);
  if (adopted.phase !== 'idle') await journalAdoptedRollout(ports, environment, adopted, actor, now);
  return adopted;
}

async function journalAdoptedRollout(ports: OperatorPorts, environment: OperatorEnvironment, adopted: TrafficState, actor: string, now: Date): Promise<void> {
  const rolloutId = adopted.rolloutId as string;
  // After a promotion the stable pointer already moved: the rollout's canary is the stable fleet.
  const canary = adopted.phase === 'promoted' ? adopted.stable : canaryColour(adopted);
  const release = adopted.releases[canary];
  if (!release) return;
  const share = Math.max(1, adopted.canaryPerMille);
  const spec = buildRolloutSpec(environment, {
    rolloutId,
    release,
    canary,
    schedule: { steps: [{ canaryPerMille: share, minBakeSeconds: 0 }], intervalSeconds: 60 },
    startedBy: `${actor} (adopted from a version-1 traffic state)`,
    startedAt: isoSeconds(now),
  });
  const capacity = (await ports.fleets.capacity())[canary];
  const base: RolloutRecord = { ...initialRecord(rolloutId), trafficState: adopted, healthySince: isoSeconds(now), capacity: { desired: Math.max(1, capacity.desired), requestedAt: isoSeconds(now) } };
  const record: RolloutRecord =
    adopted.phase === 'canary'
      ? { ...base, stage: 'step', stepIndex: 0, stepStartedAt: isoSeconds(now), judging: { ...base.judging, anchor: Math.floor(now.getTime() / 60_000) * 60 } }
      : {
          ...base,
          stage: 'drain',
          outcome: { kind: 'promoted', cause: 'Adopted', message: 'the version-1 traffic state had promoted this fleet already', at: isoSeconds(now), by: actor },
          drain: { colour: canaryColour(adopted), until: isoSeconds(new Date(now.getTime() + spec.limits.drainSeconds * 1000)), scaledToZero: false },
        };
  // A lease that has run out already: nothing runs the rollout until `resume`, `abort` or the watchdog does.
  const lease = await ports.store.acquireForStart(rolloutId, actor, 0);
  await ports.store.create(lease, spec, record);
}
