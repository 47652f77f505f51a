import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Config } from '../config/index.ts';

/**
 * The token every dashboard form carries in `_csrf`: HMAC-SHA256(server token, 'vigie-csrf') in hex. A page of
 * another site cannot know it, and a page's HTML (saved, cached, pasted) holds it without giving the server token
 * away. Null without a server token: the server is read-only then, and no form can act.
 */
export function csrfToken(config: Pick<Config, 'server'>): string | null {
  const token = config.server.token;
  return token ? createHmac('sha256', token).update('vigie-csrf').digest('hex') : null;
}

/** True when `given` is this server's CSRF token; compared in constant time (hashed first, so lengths match). */
export function csrfTokenOk(config: Pick<Config, 'server'>, given: unknown): boolean {
  const expected = csrfToken(config);
  if (expected === null || typeof given !== 'string') return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * Why a write's Origin or Referer says it came from another site, or null when it did not. Each header is checked
 * when present: its host (with port) must be the request's Host. `Origin: null` (a sandboxed frame, a redirect
 * chain) is refused: nothing says where it came from.
 */
export function foreignOrigin(headers: { origin?: string | string[]; referer?: string | string[]; host?: string }): string | null {
  const host = headers.host?.toLowerCase();
  for (const name of ['origin', 'referer'] as const) {
    const value = headers[name];
    if (value === undefined) continue;
    if (typeof value !== 'string' || !host) return `${name} header refused: it cannot be checked against the Host`;
    let from: URL;
    try {
      from = new URL(value);
    } catch {
      return `${name} "${value.slice(0, 100)}" refused: not a URL`;
    }
    // Host is read with the caller's scheme, so a default port written out (":443") compares equal.
    let expected: string;
    try {
      expected = new URL(`${from.protocol}//${host}`).host;
    } catch {
      return `Host "${host.slice(0, 100)}" refused: not a host`;
    }
    if ((from.protocol !== 'http:' && from.protocol !== 'https:') || from.host !== expected) {
      return `${name} ${from.protocol}//${from.host} refused: this form posts only from this server's own pages (${expected})`;
    }
  }
  return null;
}
