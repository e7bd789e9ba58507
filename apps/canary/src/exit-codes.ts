/** Exit codes: 0 done (a run promoted, or a request recorded), 1 error, 2 bad input (nothing changed), 4 rolled back. */
export const EXIT = { ok: 0, error: 1, usage: 2, rolledBack: 4 } as const;
