import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import type { RegisteredTarget } from '../src/alb/listener-config';

/**
 * Plain HTTP servers on loopback standing in for targets in routing tests: each answers with its name
 * (header `x-backend`), and its health path answers `healthStatus`.
 */
export class TestBackends {
  private readonly servers = new Map<string, { server: Server; port: number; healthStatus: number }>();
  /** Instance ids whose port refuses connections (a server that was listening and stopped). */
  private readonly refusing = new Map<string, number>();

  async add(instanceId: string, healthStatus = 200): Promise<void> {
    const entry = { server: createServer(), port: 0, healthStatus };
    entry.server.on('request', (req, res) => {
      req.resume();
      if (req.url === '/health') {
        res.writeHead(entry.healthStatus).end();
        return;
      }
      res.writeHead(200, { 'x-backend': instanceId, 'x-forwarded-for-seen': String(req.headers['x-forwarded-for'] ?? '') }).end(instanceId);
    });
    await new Promise<void>((resolve) => entry.server.listen(0, '127.0.0.1', resolve));
    entry.port = (entry.server.address() as AddressInfo).port;
    this.servers.set(instanceId, entry);
  }

  /** An instance whose port once listened and now refuses connections. */
  async addRefusing(instanceId: string): Promise<void> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    this.refusing.set(instanceId, port);
  }

  setHealth(instanceId: string, status: number): void {
    const entry = this.servers.get(instanceId);
    if (entry) entry.healthStatus = status;
  }

  readonly resolve = (target: RegisteredTarget): number | undefined => this.servers.get(target.id)?.port ?? this.refusing.get(target.id);

  async stop(): Promise<void> {
    await Promise.all([...this.servers.values()].map(({ server }) => new Promise<void>((resolve) => server.close(() => resolve()))));
  }
}

export interface Answer {
  readonly status: number;
  readonly backend?: string;
  readonly body: string;
  readonly contentType?: string;
  readonly setCookie?: string;
}

/** A client of the stand-in: optional source address, headers and a cookie jar of one cookie. */
export class TestClient {
  private cookie?: string;
  private readonly agent: Agent;

  constructor(
    private readonly url: string,
    options: { readonly localAddress?: string; readonly connections?: number } = {},
  ) {
    this.agent = new Agent({ connections: options.connections ?? 16, localAddress: options.localAddress });
  }

  /** GET, or POST when there is a body. */
  async send(path = '/', headers: Record<string, string | string[]> = {}, body?: string): Promise<Answer> {
    const response = await request(`${this.url}${path}`, {
      dispatcher: this.agent,
      method: body === undefined ? 'GET' : 'POST',
      body,
      headers: { ...headers, ...(this.cookie ? { cookie: this.cookie } : {}) },
    });
    const text = await response.body.text();
    const setCookie = response.headers['set-cookie'];
    const cookie = Array.isArray(setCookie) ? setCookie[0] : setCookie;
    if (cookie) this.cookie = cookie.split(';')[0];
    return {
      status: response.statusCode,
      backend: response.headers['x-backend'] as string | undefined,
      body: text,
      contentType: response.headers['content-type'] as string | undefined,
      setCookie: cookie,
    };
  }

  forgetCookies(): void {
    this.cookie = undefined;
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
