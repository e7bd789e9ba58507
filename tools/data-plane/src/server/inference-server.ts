import { setTimeout as sleep } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { ROUTES, type Route } from '@canaryfleet/fleet-metrics';
import type { ModelBehaviour } from '../model-catalog';
import { RouteCounters } from './route-counters';
import { sampleCompletion } from './sampling';

export interface InferenceServerOptions {
  readonly modelVersion: string;
  readonly behaviour: ModelBehaviour;
  readonly identity: { readonly fleet: string; readonly instanceId: string };
  readonly healthPath: string;
  readonly modelLoadSeconds: number;
  readonly slowRequestSeconds: number;
  readonly counters: RouteCounters;
  /** Called when the model "crashes" the process (tiny-llm-v2-crash). */
  readonly crash: () => void;
  readonly onLoaded: () => void;
}

interface CompletionRequest {
  readonly prompt?: unknown;
  readonly max_tokens?: unknown;
}

/**
 * One inference-server stand-in: an OpenAI-style completion endpoint and the health path on two
 * loopback ports, the weighted one and the pinned one (pinned target groups target the second port), so
 * every request is counted under the route it arrived by. Health answers 200 only once the model is loaded.
 */
export class InferenceServer {
  private loaded = false;
  private readonly apps = new Map<Route, FastifyInstance>();

  constructor(private readonly options: InferenceServerOptions) {}

  async listen(): Promise<Record<Route, number>> {
    const ports = {} as Record<Route, number>;
    for (const route of ROUTES) {
      const app = this.app(route);
      this.apps.set(route, app);
      await app.listen({ host: '127.0.0.1', port: 0 });
      const address = app.server.address();
      ports[route] = typeof address === 'object' && address ? address.port : 0;
    }
    setTimeout(() => {
      this.loaded = true;
      this.options.onLoaded();
    }, this.options.modelLoadSeconds * 1000).unref();
    return ports;
  }

  /** Stops accepting connections and waits for requests in flight. */
  async close(): Promise<void> {
    await Promise.all([...this.apps.values()].map((app) => app.close()));
  }

  private app(route: Route): FastifyInstance {
    const { options } = this;
    const app = Fastify({ logger: false, keepAliveTimeout: 65_000 });
    const identityHeaders = {
      'x-canaryfleet-fleet': options.identity.fleet,
      'x-canaryfleet-instance': options.identity.instanceId,
      'x-canaryfleet-model-version': options.modelVersion,
      'x-canaryfleet-route': route,
    };
    app.get(options.healthPath, async (_request, reply) => {
      reply.headers(identityHeaders);
      return this.loaded ? { status: 'ok', model: options.modelVersion } : reply.code(503).send({ status: 'loading', model: options.modelVersion });
    });
    app.get('/v1/models', async (_request, reply) => {
      reply.headers(identityHeaders);
      return { object: 'list', data: [{ id: options.modelVersion, object: 'model', owned_by: 'canaryfleet-local' }] };
    });
    app.post<{ Body: CompletionRequest }>('/v1/completions', async (request, reply) => {
      reply.headers(identityHeaders);
      const started = Date.now();
      if (!this.loaded) return reply.code(503).send({ error: { message: `model ${options.modelVersion} is still loading`, type: 'server_error' } });
      if (options.behaviour.crashes) options.crash();
      const outcome = sampleCompletion(options.behaviour, options.slowRequestSeconds * 1000);
      await sleep(outcome.latencyMs);
      const slow = Date.now() - started >= options.slowRequestSeconds * 1000;
      if (outcome.fails) {
        options.counters.record(route, { failed: true, slow });
        return reply.code(500).send({ error: { message: `model ${options.modelVersion} failed to complete the request`, type: 'server_error' } });
      }
      options.counters.record(route, { failed: false, slow, qualityScore: outcome.qualityScore });
      const maxTokens = typeof request.body?.max_tokens === 'number' ? Math.min(Math.max(1, Math.floor(request.body.max_tokens)), 64) : 16;
      return {
        id: `cmpl-${randomUUID()}`,
        object: 'text_completion',
        created: Math.floor(started / 1000),
        model: options.modelVersion,
        choices: [{ index: 0, text: ' token'.repeat(maxTokens), finish_reason: 'length', logprobs: null }],
        usage: { prompt_tokens: String(request.body?.prompt ?? '').split(/\s+/).length, completion_tokens: maxTokens, total_tokens: maxTokens + 1 },
        quality_score: outcome.qualityScore,
      };
    });
    return app;
  }
}
