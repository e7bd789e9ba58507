/**
 * The model versions the local inference-server stand-in knows, and how each behaves. It stands in for
 * the user's model server image, so that good and bad releases can be rolled out on purpose; the names
 * are used by the operator's tests and demo (docs/local-aws.md).
 */
export interface ModelBehaviour {
  readonly description: string;
  /** Share of completions answered with HTTP 500. */
  readonly errorRate: number;
  /** Median latency of a request that is not slow, milliseconds. */
  readonly medianLatencyMs: number;
  /** Share of requests slower than the environment's slow-request threshold. */
  readonly slowShare: number;
  /** Mean output-quality score of a successful completion, in [0, 1]. */
  readonly meanQuality: number;
  /** The server process exits on its first completion request: the target then refuses connections. */
  readonly crashes: boolean;
}

// 1 % errors: twice a production server's typical rate, so the judge has evidence for a local
// promotion within minutes at the load one laptop generates (ADR 0015).
const healthy: ModelBehaviour = {
  description: 'healthy baseline: 1 % errors, 1 % slow requests, mean quality 0.85',
  errorRate: 0.01,
  medianLatencyMs: 20,
  slowShare: 0.01,
  meanQuality: 0.85,
  crashes: false,
};

export const MODEL_CATALOG = {
  'tiny-llm-v1': healthy,
  'tiny-llm-v2': { ...healthy, description: 'healthy new release: behaves like tiny-llm-v1' },
  'tiny-llm-v2-errors': { ...healthy, description: '5x the error rate of tiny-llm-v1 (5 %)', errorRate: 0.05 },
  'tiny-llm-v2-slow': { ...healthy, description: 'slower: 3x the median latency and 5x the slow requests (5 %)', medianLatencyMs: 60, slowShare: 0.05 },
  'tiny-llm-v2-fails': { ...healthy, description: 'fails every completion with HTTP 500', errorRate: 1 },
  'tiny-llm-v2-worse': { ...healthy, description: 'answers 200 with worse output quality (mean 0.60)', meanQuality: 0.6 },
  'tiny-llm-v2-crash': { ...healthy, description: 'the process dies on its first completion; the target then refuses connections', crashes: true },
} as const satisfies Record<string, ModelBehaviour>;

export type CatalogModelVersion = keyof typeof MODEL_CATALOG;

export function isCatalogModelVersion(version: string): version is CatalogModelVersion {
  return Object.hasOwn(MODEL_CATALOG, version);
}

/** A catalog entry, or an error naming the unknown version and every known one. */
export function modelBehaviour(version: string): ModelBehaviour {
  if (!isCatalogModelVersion(version)) {
    throw new Error(`model version "${version}" is not in the local model catalog; known versions: ${Object.keys(MODEL_CATALOG).join(', ')}`);
  }
  return MODEL_CATALOG[version];
}
