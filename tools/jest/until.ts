/**
 * Polls `probe` every 100 ms until `done` holds; throws after `guardMs` (a hang guard, not a timing
 * check), so a failed wait never outlives its test.
 */
export async function until<T>(probe: () => Promise<T> | T, done: (value: T) => boolean, guardMs = 120_000): Promise<T> {
  const deadline = Date.now() + guardMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not reached within ${guardMs} ms; last value: ${JSON.stringify(value)?.slice(0, 500)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
