/** Start of the metric period that contains `atMs`: periods are aligned to the clock, as CloudWatch aggregates them. */
export function periodStart(atMs: number, periodSeconds: number): number {
  const periodMs = periodSeconds * 1000;
  return Math.floor(atMs / periodMs) * periodMs;
}

/** CloudWatch storage resolution for a period: high resolution below a minute. */
export function storageResolution(periodSeconds: number): 1 | 60 {
  return periodSeconds < 60 ? 1 : 60;
}

/**
 * Calls `close(periodStartMs)` once for every period as it ends (shortly after its boundary), until
 * stopped; `stop` closes the period still open, so nothing counted is ever left unpublished.
 */
export function everyPeriod(periodSeconds: number, close: (periodStartMs: number) => Promise<void>): { stop(): Promise<void> } {
  const periodMs = periodSeconds * 1000;
  let open = periodStart(Date.now(), periodSeconds);
  let timer: NodeJS.Timeout | undefined;
  let pending = Promise.resolve();
  const schedule = () => {
    timer = setTimeout(tick, Math.max(0, open + periodMs - Date.now()) + 50);
  };
  const tick = () => {
    const current = periodStart(Date.now(), periodSeconds);
    const closing: number[] = [];
    for (let start = open; start < current; start += periodMs) closing.push(start);
    open = current;
    pending = pending.then(async () => {
      for (const start of closing) await close(start);
    });
    schedule();
  };
  schedule();
  return {
    async stop() {
      clearTimeout(timer);
      const last = open;
      await pending;
      await close(last);
      open = Number.POSITIVE_INFINITY;
    },
  };
}
