import { isIP } from 'node:net';

/** Load only ever goes to this machine: 127.0.0.0/8, ::1 or localhost. */
export function assertLoopbackUrl(url: string, field: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`${field} = ${JSON.stringify(url)}: must be an http URL on loopback, like http://127.0.0.1:8080`);
  }
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const loopback = host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
  if (!loopback || parsed.protocol !== 'http:') throw new Error(`${field} = ${JSON.stringify(url)}: must be an http URL on loopback (127.0.0.0/8, ::1 or localhost); load never leaves this machine`);
  return parsed;
}
