import {
  finish,
  listenerDifferences,
  promote,
  renderListenerActions,
  rollBack,
  setCanaryShare,
  startCanary,
  TransitionError,
  type ListenerActions,
  type TrafficState,
} from '../src';
import { idle, POLICY, TARGETS, V1, V2, writer } from './fixtures';

const render = (state: TrafficState) => renderListenerActions(state, TARGETS, POLICY);

/** The groups a request without headers can reach, with their weights; and whether stickiness is on. */
function defaultRouting(actions: ListenerActions): { groups: Record<string, number>; sticky: number | null } {
  const [action] = actions.defaultActions;
  if (action.Type !== 'forward') throw new Error('expected a forward');
  if (action.ForwardConfig) {
    return {
      groups: Object.fromEntries(action.ForwardConfig.TargetGroups.map((g) => [g.TargetGroupArn, g.Weight])),
      sticky: action.ForwardConfig.TargetGroupStickinessConfig.Enabled ? (action.ForwardConfig.TargetGroupStickinessConfig.DurationSeconds ?? null) : null,
    };
  }
  return { groups: { [action.TargetGroupArn ?? '']: 1 }, sticky: null };
}

function headerTarget(actions: ListenerActions['canaryHeaderActions']): string {
  const [action] = actions;
  return action.Type === 'forward' ? (action.TargetGroupArn ?? '') : `fixed-response ${action.FixedResponseConfig.StatusCode}`;
}

function expectOnlyStable(state: TrafficState): void {
  const actions = render(state);
  expect(defaultRouting(actions)).toEqual({ groups: { [TARGETS.weighted[state.stable]]: 1 }, sticky: null });
  expect(headerTarget(actions.canaryHeaderActions)).toBe('fixed-response 404');
  expect(headerTarget(actions.stableHeaderActions)).toBe(TARGETS.pinned[state.stable]);
  const everyGroup = JSON.stringify(actions);
  for (const arn of [TARGETS.weighted[state.stable === 'blue' ? 'green' : 'blue'], TARGETS.pinned[state.stable === 'blue' ? 'green' : 'blue']]) {
    expect(everyGroup).not.toContain(arn);
  }
}

describe('routing across the phases of a rollout', () => {
  test('idle -> canary at 0.1 %, 5 %, 50 % -> promoted -> idle', () => {
    const start = idle();
    expectOnlyStable(start);
    expect(render(start).canaryHeaderActions).toEqual([
      { Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain', MessageBody: 'No canary is running in dev: X-Canary: always has no fleet to reach.\n' } },
    ]);

    // Warming up: the canary has its release and is reachable by header, but takes no weighted traffic.
    const warming = startCanary(start, { release: V2, rolloutId: 'r-1' }, writer());
    expect(warming).toMatchObject({ revision: 2, phase: 'canary', canaryPerMille: 0, releases: { blue: V1, green: V2 } });
    expect(defaultRouting(render(warming))).toEqual({ groups: { [TARGETS.weighted.blue]: 1 }, sticky: null });
    expect(headerTarget(render(warming).canaryHeaderActions)).toBe(TARGETS.pinned.green);

    let state = warming;
    for (const [perMille, stableWeight] of [[1, 999], [50, 950], [500, 500]] as const) {
      state = setCanaryShare(state, perMille, writer());
      const actions = render(state);
      expect(defaultRouting(actions)).toEqual({ groups: { [TARGETS.weighted.blue]: stableWeight, [TARGETS.weighted.green]: perMille }, sticky: 300 });
      expect(headerTarget(actions.canaryHeaderActions)).toBe(TARGETS.pinned.green);
      expect(headerTarget(actions.stableHeaderActions)).toBe(TARGETS.pinned.blue);
      // Header traffic never lands in a weighted group, which the judge reads.
      expect(JSON.stringify([actions.canaryHeaderActions, actions.stableHeaderActions])).not.toMatch(/cf-dev-(blue|green)\//);
    }

    const promoted = promote(state, writer());
    expect(promoted).toMatchObject({ phase: 'promoted', stable: 'green', canaryPerMille: 0, releases: { blue: V1, green: V2 } });
    expectOnlyStable(promoted);

    const done = finish(promoted, writer());
    expect(done).toMatchObject({ phase: 'idle', stable: 'green', rolloutId: null, releases: { blue: null, green: V2 }, revision: 7 });
    expectOnlyStable(done);
  });

  test('canary -> rolled back -> idle moves every client back to stable', () => {
    const running = setCanaryShare(startCanary(idle(), { release: V2, rolloutId: 'r-2' }, writer()), 250, writer());
    const rolledBack = rollBack(running, writer());
    expect(rolledBack).toMatchObject({ phase: 'rolled-back', stable: 'blue', canaryPerMille: 0, releases: { green: V2 } });
    expectOnlyStable(rolledBack);
    const done = finish(rolledBack, writer());
    expect(done).toMatchObject({ phase: 'idle', stable: 'blue', releases: { blue: V1, green: null } });
    expectOnlyStable(done);
  });

  test('illegal moves are refused with what the phase allows', () => {
    const start = idle();
    expect(() => promote(start, writer())).toThrow(new TransitionError('cannot promote at revision 1: the phase is "idle" (no canary is running); promote needs phase "canary"'));
    expect(() => finish(start, writer())).toThrow('cannot finish at revision 1: the phase is "idle"');
    expect(() => setCanaryShare(start, 10, writer())).toThrow('cannot set the canary share to 1 % at revision 1');
    expect(() => startCanary(start, { release: V1, rolloutId: 'r' }, writer())).toThrow('cannot start a canary of model tiny-llm-v1: the stable fleet (blue) already runs exactly this release');
    const running = startCanary(start, { release: V2, rolloutId: 'r-3' }, writer());
    expect(() => startCanary(running, { release: V2, rolloutId: 'r-4' }, writer())).toThrow('the phase is "canary" (a canary (rollout r-3) is running)');
    expect(() => setCanaryShare(running, 1000, writer())).toThrow('canaryPerMille = 1000');
    const rolledBack = rollBack(running, writer());
    expect(() => promote(rolledBack, writer())).toThrow('rollout r-3 has ended and its fleet is draining');
  });
});

describe('read-back comparison', () => {
  const running = setCanaryShare(startCanary(idle(), { release: V2, rolloutId: 'r' }, writer()), 50, writer());

  test('AWS spellings of the same action compare equal', () => {
    const rendered = render(idle());
    // AWS answers a TargetGroupArn forward with a one-group ForwardConfig beside it.
    const asAwsReturnsIt = {
      defaultActions: [{ Type: 'forward', Order: 1, TargetGroupArn: TARGETS.weighted.blue, ForwardConfig: { TargetGroups: [{ TargetGroupArn: TARGETS.weighted.blue, Weight: 1 }], TargetGroupStickinessConfig: { Enabled: false } } }],
      canaryHeaderActions: rendered.canaryHeaderActions,
      stableHeaderActions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: TARGETS.pinned.blue }] } }],
    };
    expect(listenerDifferences(rendered, asAwsReturnsIt)).toEqual([]);
    const weighted = render(running);
    const reordered = {
      ...weighted,
      defaultActions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: TARGETS.weighted.green, Weight: 50 }, { TargetGroupArn: TARGETS.weighted.blue, Weight: 950 }], TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 300 } } }],
    };
    expect(listenerDifferences(weighted, reordered)).toEqual([]);
  });

  test('a sticky weight-0 group is not the same as a single-group forward, and says why', () => {
    const rendered = render(rollBack(running, writer()));
    const weightZero = {
      defaultActions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: TARGETS.weighted.blue, Weight: 1000 }, { TargetGroupArn: TARGETS.weighted.green, Weight: 0 }], TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 3600 } } }],
    };
    expect(listenerDifferences(rendered, weightZero)).toEqual(['default action: expected forward to cf-dev-blue, found forward to cf-dev-blue 1000, cf-dev-green 0, sticky 3600 s']);
  });

  test('a header rule changed behind the controller is named; a rule the environment lacks is not compared', () => {
    const rendered = render(running);
    const changed = { defaultActions: rendered.defaultActions, canaryHeaderActions: [{ Type: 'forward', TargetGroupArn: TARGETS.weighted.green }] };
    expect(listenerDifferences(rendered, changed)).toEqual(['canary header rule: expected forward to cf-dev-green-pin, found forward to cf-dev-green']);
  });

  test('stickiness outside what the project allows is refused (ALB would take up to 604800 s)', () => {
    expect(() => renderListenerActions(running, TARGETS, { ...POLICY, stickinessSeconds: 0 })).toThrow('stickinessSeconds = 0: must be an integer from 1 to 900 seconds');
    expect(() => renderListenerActions(running, TARGETS, { ...POLICY, stickinessSeconds: 901 })).toThrow('stickinessSeconds = 901: must be an integer from 1 to 900 seconds');
    expect(renderListenerActions(running, TARGETS, { ...POLICY, stickinessSeconds: 900 }).defaultActions[0]).toMatchObject({ ForwardConfig: { TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 900 } } });
  });
});
