import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback HTTP proxy in front of moto that counts the AWS API calls passing through it, by service
 * (from the SigV4 credential scope) and action (JSON target header, RPC path, or query `Action`).
 * Point a process's AWS_ENDPOINT_URL at `endpoint` to count what it calls.
 */
export class ApiCallCounter {
  private constructor(
    private readonly server: Server,
    readonly endpoint: string,
    private readonly counts: Map<string, number>,
  ) {}

  static async start(target: string): Promise<ApiCallCounter> {
    const upstream = new URL(target);
    const counts = new Map<string, number>();
    const server = createServer((incoming, outgoing) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => {
        const body = Buffer.concat(chunks);
        const name = callName(incoming, body);
        counts.set(name, (counts.get(name) ?? 0) + 1);
        const forwarded = request({ host: upstream.hostname, port: upstream.port, method: incoming.method, path: incoming.url, headers: incoming.headers }, (response) => {
          outgoing.writeHead(response.statusCode ?? 502, response.headers);
          response.pipe(outgoing);
        });
        forwarded.on('error', (error) => outgoing.destroy(error));
        forwarded.end(body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new ApiCallCounter(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, counts);
  }

  /** Calls since the last reset, by `service.Action`. */
  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort(([a], [b]) => a.localeCompare(b)));
  }

  reset(): void {
    this.counts.clear();
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function callName(incoming: IncomingMessage, body: Buffer): string {
  const service = /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//.exec(String(incoming.headers.authorization ?? ''))?.[1] ?? 'unknown';
  const target = incoming.headers['x-amz-target'];
  const action =
    (typeof target === 'string' ? target.split('.').at(-1) : undefined) ??
    /\/operation\/([A-Za-z]+)$/.exec(incoming.url ?? '')?.[1] ??
    /(?:^|&)Action=([A-Za-z]+)/.exec(body.toString('utf8'))?.[1] ??
    `${incoming.method} ${incoming.url?.split('?')[0]}`;
  return `${service}.${action}`;
}
