import type { Rng } from '@canaryfleet/judge';
import type { FleetTick, Tick } from './traffic';

/**
 * How ALB per-target-group datapoints reach the operator: one per fleet and minute, none at all for a
 * minute without requests, most on time, some one or two minutes late, a few never.
 */
export const ALB_DELIVERY = { onTime: 0.85, oneMinuteLate: 0.1, twoMinutesLate: 0.04 } as const;

/** The operator waits this many minutes for the other fleet's datapoint of a minute, then takes a missing one as zero requests. */
export const HOLD_MINUTES = 1;

const MINUTE = 60;

interface FleetMinute {
  readonly counts: FleetTick;
  /** Minute index at which the datapoint arrives; Infinity: never (lost, or no requests so none published). */
  readonly arrives: number;
}

/**
 * Turns one run's 10 s ticks into what an operator following the policy above feeds the judge each
 * minute: the minute just ended when both datapoints are in (else nothing yet, `missing`), and as
 * `late` every earlier minute that became complete or reached the hold deadline, plus datapoints that
 * arrived after their minute had been fed (each counted once).
 */
export function minuteTicks(ticks: readonly Tick[], rng: Rng): Tick[] {
  const perMinute = MINUTE / (ticks[1].t - ticks[0].t);
  const minutes: Array<{ canary: FleetMinute; baseline: FleetMinute }> = [];
  for (let k = 0; k * perMinute < ticks.length; k++) {
    const slice = ticks.slice(k * perMinute, (k + 1) * perMinute);
    minutes.push({ canary: deliver(sum(slice.map((t) => t.canary)), k, rng), baseline: deliver(sum(slice.map((t) => t.baseline)), k, rng) });
  }
  const fedAt = new Array<number>(minutes.length).fill(Infinity);
  const out: Tick[] = [];
  for (let now = 0; now < minutes.length; now++) {
    const late: Array<{ t: number; canary: FleetTick; baseline: FleetTick }> = [];
    let current: { canary: FleetTick; baseline: FleetTick } | null = null;
    for (let k = Math.max(0, now - HOLD_MINUTES - 2); k <= now; k++) {
      const { canary, baseline } = minutes[k];
      const arrived = (m: FleetMinute): boolean => m.arrives <= now;
      if (fedAt[k] === Infinity) {
        const ready = (arrived(canary) && arrived(baseline)) || now - k >= HOLD_MINUTES;
        if (!ready) continue;
        fedAt[k] = now;
        const data = { canary: arrived(canary) ? canary.counts : ZERO, baseline: arrived(baseline) ? baseline.counts : ZERO };
        if (k === now) current = data;
        else late.push({ t: (k + 1) * MINUTE, ...data });
      } else {
        // A datapoint that arrives after its minute was fed (past the hold): fed alone, once.
        const stray = (m: FleetMinute): boolean => m.arrives === now && m.arrives > fedAt[k];
        if (stray(canary) || stray(baseline)) late.push({ t: (k + 1) * MINUTE, canary: stray(canary) ? canary.counts : ZERO, baseline: stray(baseline) ? baseline.counts : ZERO });
      }
    }
    out.push({ t: (now + 1) * MINUTE, canary: current?.canary ?? ZERO, baseline: current?.baseline ?? ZERO, missing: current === null, late });
  }
  return out;
}

const ZERO: FleetTick = { requests: 0, errors: 0, slow: 0 };

function deliver(counts: FleetTick, minute: number, rng: Rng): FleetMinute {
  if (counts.requests === 0) return { counts, arrives: Infinity };
  const u = rng.next();
  const delay = u < ALB_DELIVERY.onTime ? 0 : u < ALB_DELIVERY.onTime + ALB_DELIVERY.oneMinuteLate ? 1 : u < ALB_DELIVERY.onTime + ALB_DELIVERY.oneMinuteLate + ALB_DELIVERY.twoMinutesLate ? 2 : Infinity;
  return { counts, arrives: minute + delay };
}

function sum(fleets: readonly FleetTick[]): FleetTick {
  return fleets.reduce((a, b) => ({ requests: a.requests + b.requests, errors: a.errors + b.errors, slow: a.slow + b.slow }), ZERO);
}
