import type { EvidenceState } from './evidence-path';
import type { ConditionedInterval } from './noncentral-hypergeometric';
import type { OddsGrid } from './odds-grid';

/**
 * How sticky routing groups requests into clients. With ALB group stickiness a client stays on the
 * fleet it was first sent to for the stickiness duration, so within one stickiness window the canary
 * serves a random subset of the clients, not a random subset of the requests. Clients that fail more
 * often than others (on both fleets) then make the canary look better or worse by chance, and more
 * requests from the same clients never remove that. See docs/judge.md, "Sticky clients".
 */
export interface ClientMixOptions {
  /**
   * Stickiness duration of the weighted forward (RoutingPolicy.stickinessSeconds); 0 when every
   * request is routed on its own. A duration at least as long as the rollout means "the whole
   * rollout". Range [0, 604800] (ALB's maximum, 7 days).
   */
  readonly stickinessSeconds: number;
  /**
   * Assumed smallest effective number of clients behind the errors: 1 / sum over clients of
   * (client's share of errors - client's share of requests)^2. Clients that fail exactly as often as
   * the average add nothing; one client producing a tenth of all errors with a hundredth of the
   * requests makes it at most ~120. The data between stickiness windows can only raise the client-mix
   * variance this implies, never lower it. Range [1, 1e9].
   */
  readonly effectiveClients: number;
}

export const DEFAULT_STICKINESS_SECONDS = 300;
export const DEFAULT_EFFECTIVE_CLIENTS = 50;
export const MAX_STICKINESS_SECONDS = 604800;

/** What one closed stickiness window left behind for the heterogeneity estimate. */
interface ClosedWindow {
  readonly logLik: Float64Array;
  /** 1 / (s (1 - s)), s the canary's share of the window's requests. */
  readonly mixScale: number;
}

/**
 * The running log-likelihood ratio ln L(psi_j) / L(1) of a count metric over the odds grid, under a
 * random client-mix effect per stickiness window.
 *
 * Model: in window k the observed log odds ratio is log psi + b_k, with b_k ~ N(0, H / (s_k (1 - s_k)))
 * independent between windows (each window re-draws which clients are sticky on which fleet), s_k
 * the canary's share of requests and H = 1 / effective clients. For Gaussian block estimates with
 * information I_k, the marginal likelihood ratio of psi_j against psi_0 with b_k integrated out is the
 * block's likelihood ratio raised to eta_k = 1 / (1 + var(b_k) I_k) (a martingale under psi_0 at every
 * interval of the block, since var(b_k) is fixed before the block starts and I_k depends only on the
 * totals the test conditions on). The exact conditional likelihood stands in for the Gaussian one, so
 * stickinessSeconds = 0 (or H = 0) is exactly the independent-request test of ADR 0005.
 *
 * H is the larger of the assumed 1 / effectiveClients and a DerSimonian-Laird moment estimate from
 * the closed windows (Cochran's Q on the windows' scores at the pooled estimate), so a traffic mix
 * more clustered than assumed is seen and absorbed after a few windows; the estimate is predictable
 * (fixed when a window opens).
 */
export class ClientMixLikelihood {
  private readonly grid: OddsGrid;
  private readonly windowSeconds: number;
  private readonly assumed: number;
  private readonly settled: Float64Array;
  private readonly open: Float64Array;
  private readonly combined: Float64Array;
  private readonly closed: ClosedWindow[] = [];
  private fresh = false;
  private openWindow = 0;
  private openInformation = 0;
  private openCanaryRequests = 0;
  private openRequests = 0;
  private windowHeterogeneity: number;

  constructor(grid: OddsGrid, options: ClientMixOptions) {
    this.grid = grid;
    this.windowSeconds = options.stickinessSeconds;
    this.assumed = 1 / options.effectiveClients;
    this.windowHeterogeneity = this.assumed;
    const size = grid.logPsi.length;
    this.settled = new Float64Array(size);
    this.open = new Float64Array(size);
    this.combined = new Float64Array(size);
  }

  /** Adds one informative interval observed at t (seconds since the rollout started). */
  add(interval: ConditionedInterval, canaryBad: number, t: number): void {
    const window = this.windowSeconds > 0 ? Math.floor(t / this.windowSeconds) : 0;
    if (window > this.openWindow) this.closeWindow(window);
    const { logPsi } = this.grid;
    for (let j = 0; j < logPsi.length; j++) this.open[j] += interval.logLikelihoodRatio(canaryBad, logPsi[j]);
    this.openInformation += interval.informationAtOne;
    this.openCanaryRequests += interval.canaryRequests;
    this.openRequests += interval.canaryRequests + interval.baselineRequests;
    this.fresh = false;
  }

  /** Counts requests of an interval that carried no information (they still shape the window's share). */
  addRequests(canaryRequests: number, baselineRequests: number, t: number): void {
    const window = this.windowSeconds > 0 ? Math.floor(t / this.windowSeconds) : 0;
    if (window > this.openWindow) this.closeWindow(window);
    this.openCanaryRequests += canaryRequests;
    this.openRequests += canaryRequests + baselineRequests;
  }

  /** ln L(psi_j) / L(1) per grid point, each window tempered by its eta (a shared buffer: read, do not keep). */
  logLikelihood(): Float64Array {
    if (!this.fresh) {
      const eta = this.openEta();
      for (let j = 0; j < this.combined.length; j++) this.combined[j] = this.settled[j] + eta * this.open[j];
      this.fresh = true;
    }
    return this.combined;
  }

  /** Standard deviation of the open window's client-mix effect on ln psi, at its share so far. */
  get clientMixSd(): number {
    return Math.sqrt(this.mixVariance(this.openCanaryRequests, this.openRequests));
  }

  /** Where the evidence stands, for a forecast to continue from (copies). */
  snapshot(): EvidenceState {
    return {
      settled: Float64Array.from(this.settled),
      open: Float64Array.from(this.open),
      openInformation: this.openInformation,
      openCanaryRequests: this.openCanaryRequests,
      openRequests: this.openRequests,
      openWindow: this.openWindow,
      heterogeneity: this.windowHeterogeneity,
      stickinessSeconds: this.windowSeconds,
    };
  }

  private openEta(): number {
    return temperingFactor(this.mixVariance(this.openCanaryRequests, this.openRequests), this.openInformation);
  }

  private mixVariance(canaryRequests: number, requests: number): number {
    if (this.windowSeconds === 0 || requests === 0) return 0;
    return this.windowHeterogeneity * mixScale(canaryRequests / requests);
  }

  private closeWindow(next: number): void {
    const eta = this.openEta();
    for (let j = 0; j < this.settled.length; j++) this.settled[j] += eta * this.open[j];
    if (this.openInformation > 0) this.closed.push({ logLik: Float64Array.from(this.open), mixScale: mixScale(this.openCanaryRequests / this.openRequests) });
    this.open.fill(0);
    this.openInformation = 0;
    this.openCanaryRequests = 0;
    this.openRequests = 0;
    this.openWindow = next;
    this.windowHeterogeneity = Math.max(this.assumed, estimateHeterogeneity(this.grid, this.closed));
    this.fresh = false;
  }
}

/** eta = 1 / (1 + variance x information): the Gaussian random-effect marginal as a power of the likelihood. */
export function temperingFactor(mixVariance: number, information: number): number {
  return 1 / (1 + mixVariance * information);
}

/** 1 / (s (1 - s)): how a client-mix effect on ln psi scales with the canary's share s of requests. */
export function mixScale(share: number): number {
  const s = Math.min(1 - 1e-3, Math.max(1e-3, share));
  return 1 / (s * (1 - s));
}

/**
 * DerSimonian-Laird estimate of H from closed windows: Cochran's Q = sum U_k^2 / V_k - (sum U_k)^2 / sum V_k
 * with each window's score U_k and information V_k at the pooled maximum-likelihood grid point (read off
 * the window's exact log-likelihood by finite differences: for this exponential family the observed
 * information is Var(X | m)). E[Q] = K - 1 + H sum c_k V_k (1 - V_k / sum V), c_k = 1 / (s_k (1 - s_k)).
 */
function estimateHeterogeneity(grid: OddsGrid, windows: readonly ClosedWindow[]): number {
  if (windows.length < 2) return 0;
  const { logPsi } = grid;
  const pooled = new Float64Array(logPsi.length);
  for (const w of windows) for (let j = 0; j < logPsi.length; j++) pooled[j] += w.logLik[j];
  let best = 0;
  for (let j = 1; j < logPsi.length; j++) if (pooled[j] > pooled[best]) best = j;
  const at = Math.min(logPsi.length - 2, Math.max(1, best));
  const h1 = logPsi[at] - logPsi[at - 1];
  const h2 = logPsi[at + 1] - logPsi[at];
  const scores: number[] = [];
  const infos: number[] = [];
  const scales: number[] = [];
  for (const w of windows) {
    const [f0, f1, f2] = [w.logLik[at - 1], w.logLik[at], w.logLik[at + 1]];
    const score = (-h2 / (h1 * (h1 + h2))) * f0 + ((h2 - h1) / (h1 * h2)) * f1 + (h1 / (h2 * (h1 + h2))) * f2;
    const info = -2 * (f0 / (h1 * (h1 + h2)) - f1 / (h1 * h2) + f2 / (h2 * (h1 + h2)));
    if (!(info > 1e-9)) continue;
    scores.push(score);
    infos.push(info);
    scales.push(w.mixScale);
  }
  if (scores.length < 2) return 0;
  const totalInfo = infos.reduce((a, b) => a + b, 0);
  const totalScore = scores.reduce((a, b) => a + b, 0);
  let q = -(totalScore * totalScore) / totalInfo;
  let denominator = 0;
  for (let k = 0; k < scores.length; k++) {
    q += (scores[k] * scores[k]) / infos[k];
    denominator += scales[k] * infos[k] * (1 - infos[k] / totalInfo);
  }
  return denominator > 0 ? Math.max(0, (q - (scores.length - 1)) / denominator) : 0;
}

/** One client's totals over a period, e.g. from ALB access logs grouped by client or API key. */
export interface ClientTotals {
  readonly requests: number;
  readonly errors: number;
}

/**
 * The effective number of clients behind the errors, 1 / sum_c (e_c / E - r_c / R)^2, from per-client
 * totals (offline: access logs of a normal day). What JudgeConfig.effectiveClients assumes; use a value
 * below the smallest seen over comparable periods, and lower still when one client can carry a large
 * share of the traffic (the model is Gaussian; a single heavy client makes the effect heavy-tailed).
 */
export function effectiveClientsOf(clients: readonly ClientTotals[]): number {
  let requests = 0;
  let errors = 0;
  clients.forEach((c, i) => {
    if (!(Number.isSafeInteger(c.requests) && c.requests >= 0)) throw new RangeError(`clients[${i}].requests must be an integer >= 0; got ${c.requests}`);
    if (!(Number.isSafeInteger(c.errors) && c.errors >= 0 && c.errors <= c.requests)) throw new RangeError(`clients[${i}].errors must be an integer in [0, requests]; got ${c.errors}`);
    requests += c.requests;
    errors += c.errors;
  });
  if (requests === 0 || errors === 0) throw new RangeError('clients must include at least one request and one error');
  let h = 0;
  for (const c of clients) h += (c.errors / errors - c.requests / requests) ** 2;
  return h === 0 ? Infinity : 1 / h;
}
