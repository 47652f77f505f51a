import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** The hostile pages, each at `/<name>`. Every one must cost Vigie no more than its limit, and stop no other source. */
export const HOSTILE_CASES = [
  'gzip-bomb',
  'brotli-bomb',
  'huge-body',
  'trickle',
  'redirect-loop',
  'redirect-to-loopback',
  'many-links',
  'private-link',
  'nested-divs',
  'binary-as-html',
  'unknown-charset',
  'empty',
  'endless-stream',
  'text-plain',
  'json',
] as const;
export type HostileCase = (typeof HOSTILE_CASES)[number];

export interface HostileSite {
  origin: string;
  url(name: HostileCase): string;
  /** Requests seen, by path. */
  hits: Map<string, number>;
  close(): Promise<void>;
}

export interface HostileSiteOptions {
  /** Where `/redirect-to-loopback` sends, and what `/private-link` lists: an address that is not allowed. */
  forbiddenOrigin: string;
}

const MB = 1024 * 1024;
// Built once: 64 MB of spaces is 64 KB of gzip and a few hundred bytes of brotli.
let bombs: { gzip: Buffer; br: Buffer } | null = null;
function bomb(): { gzip: Buffer; br: Buffer } {
  if (!bombs) {
    const plain = Buffer.alloc(64 * MB, ' ');
    plain.write('<html><body><h2>Latest News</h2><ul>');
    bombs = { gzip: gzipSync(plain, { level: 9 }), br: brotliCompressSync(plain, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } }) };
  }
  return bombs;
}

function list(links: string[]): string {
  const items = links.map((href, i) => `<li><a href="${href}">Hostile headline number ${i + 1} about the page</a></li>`).join('');
  return `<!doctype html><html><head><title>Hostile</title></head><body><h2>Latest News</h2><ul>${items}</ul></body></html>`;
}

/** A site on 127.0.0.1 serving the hostile cases of issue 9. Streams stop when the client goes. */
export async function startHostileSite(options: HostileSiteOptions): Promise<HostileSite> {
  const hits = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const html = (body: string | Buffer, headers: Record<string, string | number> = {}): void => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...headers });
      res.end(body);
    };
    switch (path) {
      case '/robots.txt':
        return void res.writeHead(404).end();
      case '/gzip-bomb':
        return html(bomb().gzip, { 'content-encoding': 'gzip' });
      case '/brotli-bomb':
        return html(bomb().br, { 'content-encoding': 'br' });
      case '/huge-body':
        // 50 MB declared and sent, unless the client hangs up first.
        res.writeHead(200, { 'content-type': 'text/html', 'content-length': 50 * MB });
        return streamChunks(res, 50, timers);
      case '/trickle':
        res.writeHead(200, { 'content-type': 'text/html' });
        return trickle(res, timers);
      case '/redirect-loop':
        return void res.writeHead(302, { location: '/redirect-loop-2' }).end();
      case '/redirect-loop-2':
        return void res.writeHead(302, { location: '/redirect-loop' }).end();
      case '/redirect-to-loopback':
        return void res.writeHead(302, { location: `${options.forbiddenOrigin}/` }).end();
      case '/many-links':
        return html(list(Array.from({ length: 10_000 }, (_, i) => `/news/2026/05/${i + 1}-story`)));
      case '/private-link':
        return html(list(['/news/2026/05/1-kept-story', `${options.forbiddenOrigin}/admin`]));
      case '/nested-divs':
        return html(`<html><body>${'<div>Latest '.repeat(100_000)}</body></html>`);
      case '/binary-as-html': {
        const bytes = Buffer.alloc(64 * 1024);
        for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919 + 13) % 256;
        return html(bytes);
      }
      case '/unknown-charset':
        res.writeHead(200, { 'content-type': 'text/html; charset=x-klingon' });
        return void res.end(list(['/news/2026/05/1-charset-story', '/news/2026/05/2-charset-story']));
      case '/empty':
        return html('');
      case '/endless-stream':
        res.writeHead(200, { 'content-type': 'text/html' });
        return streamChunks(res, Number.POSITIVE_INFINITY, timers);
      case '/text-plain':
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
        return void res.end(list(['/news/2026/05/1-plain']));
      case '/json':
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ items: [{ url: '/news/2026/05/1-json' }] }));
      default:
        if (path.startsWith('/news/')) return html(`<html><body><article><h1>${path}</h1><p>${'Text of the story. '.repeat(40)}</p></article></body></html>`);
        return void res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    url: (name) => `${origin}/${name}`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Writes 1 MB chunks of markup, `count` of them, as fast as the client reads, until it hangs up. */
function streamChunks(res: ServerResponse, count: number, timers: Set<NodeJS.Timeout>): void {
  const chunk = Buffer.alloc(MB, '<p>x</p>');
  let sent = 0;
  const write = (): void => {
    while (sent < count && !res.destroyed) {
      sent++;
      if (!res.write(chunk)) return void res.once('drain', write);
    }
    if (sent >= count) res.end();
  };
  res.on('close', () => (sent = count));
  const t = setTimeout(write, 0);
  timers.add(t);
}

/** One byte a second, forever (until the client hangs up). */
function trickle(res: ServerResponse, timers: Set<NodeJS.Timeout>): void {
  const tick = (): void => {
    if (res.destroyed) return;
    res.write('<');
    const t = setTimeout(tick, 1000);
    timers.add(t);
  };
  tick();
}
