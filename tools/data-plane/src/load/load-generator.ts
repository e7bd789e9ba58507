import { CookieJar } from 'tough-cookie';
import { Agent, request } from 'undici';
import { assertLoopbackUrl } from './loopback';
import { LoadRecorder, type LoadSummary } from './load-summary';

export interface LoadOptions {
  /** The ALB stand-in's URL; loopback only. */
  readonly url: string;
  /** Clients, each with its own cookie jar and one request in flight at a time. @default 50 */
  readonly clients?: number;
  /** Total offered rate over all clients, requests per second. @default 100 */
  readonly requestsPerSecond?: number;
  /** The run ends after this long... @default 30 */
  readonly durationSeconds: number;
  /** ...or after this many requests, whichever comes first. @default unbounded by count */
  readonly maxRequests?: number;
  /** Share of clients that send the header override on every request. @default 0.05 */
  readonly headerShare?: number;
  /** The override header and the values header clients send (alternating by client). */
  readonly header?: { readonly name: string; readonly values: readonly string[] };
  /**
   * Loopback address header clients connect from, so listener rules that accept the header only from
   * configured source CIDRs see an allowed address. @default 127.0.0.1
   */
  readonly headerSourceAddress?: string;
  /** Shape of the Pareto distribution of per-client rates (smaller: heavier tail). @default 1.5 */
  readonly paretoShape?: number;
  /** Called every `summaryEverySeconds` with the summary so far. */
  readonly onSummary?: (summary: LoadSummary) => void;
  /** @default 5 */
  readonly summaryEverySeconds?: number;
  /** Ends the run early (load that lasts as long as a rollout does). */
  readonly signal?: AbortSignal;
}

/**
 * Per-client rates drawn from a Pareto distribution (heavy-tailed: a few clients send most requests),
 * scaled so they add up to the total rate.
 */
export function clientRates(clients: number, totalPerSecond: number, shape: number, random: () => number = Math.random): number[] {
  const weights = Array.from({ length: clients }, () => (1 - random()) ** (-1 / shape));
  const sum = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => (totalPerSecond * w) / sum);
}

function positive(field: string, value: number, integer = false): number {
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) throw new Error(`${field} = ${value}: must be a positive ${integer ? 'integer' : 'number'}`);
  return value;
}

/**
 * Client load on the local data plane: many clients that keep their cookies (so group stickiness holds
 * them), heavy-tailed rates, a share of clients pinned by the header override, bounded in time and count.
 * Resolves with the final summary.
 */
export async function runLoad(options: LoadOptions): Promise<LoadSummary> {
  const base = assertLoopbackUrl(options.url, 'url');
  const clients = positive('clients', options.clients ?? 50, true);
  const rate = positive('requestsPerSecond', options.requestsPerSecond ?? 100);
  const durationMs = positive('durationSeconds', options.durationSeconds) * 1000;
  const maxRequests = options.maxRequests === undefined ? Number.POSITIVE_INFINITY : positive('maxRequests', options.maxRequests, true);
  const headerShare = options.headerShare ?? 0.05;
  if (!(headerShare >= 0 && headerShare <= 1)) throw new Error(`headerShare = ${headerShare}: must be a share from 0 to 1`);
  const header = options.header ?? { name: 'X-Canary', values: ['always', 'never'] };
  const headerClients = Math.round(clients * headerShare);
  const recorder = new LoadRecorder();
  const deadline = Date.now() + durationMs;
  const plain = new Agent({ connections: Math.min(clients, 128) });
  const pinned = new Agent({ connections: Math.max(1, Math.min(headerClients, 32)), localAddress: options.headerSourceAddress });
  const target = new URL('/v1/completions', base).toString();
  let sent = 0;
  const body = JSON.stringify({ model: 'local', prompt: 'Say something about canaries.', max_tokens: 16 });

  const client = async (index: number, perSecond: number) => {
    const jar = new CookieJar();
    const headerValue = index < headerClients ? header.values[index % header.values.length] : undefined;
    const dispatcher = headerValue === undefined ? plain : pinned;
    for (;;) {
      // Exponential think time: each client is a Poisson source of its own rate.
      const wait = -Math.log(1 - Math.random()) * (1000 / perSecond);
      if (Date.now() + wait >= deadline || options.signal?.aborted) return;
      await new Promise((resolve) => setTimeout(resolve, wait));
      if (sent >= maxRequests || options.signal?.aborted) return;
      sent += 1;
      const started = Date.now();
      try {
        const cookie = await jar.getCookieString(target);
        const response = await request(target, {
          dispatcher,
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}), ...(headerValue === undefined ? {} : { [header.name]: headerValue }) },
        });
        await response.body.dump();
        const setCookie = response.headers['set-cookie'];
        for (const value of typeof setCookie === 'string' ? [setCookie] : (setCookie ?? [])) await jar.setCookie(value, target);
        const servedBy = (name: string) => response.headers[`x-canaryfleet-${name}`] as string | undefined;
        recorder.record(response.statusCode, { fleet: servedBy('fleet'), modelVersion: servedBy('model-version'), route: servedBy('route') }, Date.now() - started);
      } catch {
        recorder.record(undefined, {}, Date.now() - started);
      }
    }
  };

  const ticker = options.onSummary ? setInterval(() => options.onSummary?.(recorder.summary()), (options.summaryEverySeconds ?? 5) * 1000) : undefined;
  try {
    await Promise.all(clientRates(clients, rate, options.paretoShape ?? 1.5).map((perSecond, i) => client(i, perSecond)));
  } finally {
    clearInterval(ticker);
    await Promise.all([plain.close(), pinned.close()]);
  }
  return recorder.summary();
}
