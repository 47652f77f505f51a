import { isIPv4 } from 'node:net';

/** True for a name or literal that only this machine can reach: localhost, 127.0.0.0/8, ::1 (bracketed or not). */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  return isIPv4(h) && h.startsWith('127.');
}

/**
 * Whether a request's `Host` header names this loopback server: localhost, a 127.x literal or [::1], with the port
 * it arrived on. Any other name means a page got a browser to send it here under a foreign name (DNS rebinding).
 */
export function loopbackHostHeaderOk(header: string | undefined, localPort: number | undefined): boolean {
  // Only a bare host[:port]: a name, an IPv4 literal or a bracketed IPv6 literal.
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/i.exec(header ?? '');
  if (!m) return false;
  const [, hostname, port] = m;
  if (!isLoopbackHost(hostname!)) return false;
  return localPort === undefined || (port === undefined ? 80 : Number(port)) === localPort;
}
