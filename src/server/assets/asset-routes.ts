import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
  /** The first 10 hex digits of its SHA-256: pages link `/assets/<name>?v=<version>`. */
  version: string;
}

export interface Assets {
  /** `/assets/<name>?v=<hash of its content>`, so a browser keeps it until it changes; plain when absent. */
  url(name: string): string;
}

/**
 * This folder, where the stylesheet and live.js are. Run from the sources (tsx, tests), it is this module's folder;
 * run from the bundle bin/vigie.js builds (node_modules/.cache/vigie/<hash>/), the package's src/server/assets,
 * found above it.
 */
export function assetsDir(from = dirname(fileURLToPath(import.meta.url))): string {
  if (existsSync(join(from, 'dashboard.css'))) return from;
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'src', 'server', 'assets');
    if (existsSync(join(candidate, 'dashboard.css'))) return candidate;
    if (dirname(dir) === dir) throw new Error(`the dashboard's assets (src/server/assets/dashboard.css) are not found above ${from}`);
  }
}

/**
 * GET /assets/<name>: the files of src/server/assets with a known type (never its .ts sources), read once at start.
 * A request with the current `?v=` is cached for a year (the URL changes with the content); any other for 5
 * minutes; both revalidate with their ETag.
 */
export async function registerAssets(app: FastifyInstance, dir = assetsDir()): Promise<Assets> {
  const files = new Map<string, Asset>();
  for (const name of readdirSync(dir)) {
    const type = TYPES[extname(name)];
    if (!type) continue;
    const body = readFileSync(join(dir, name));
    const hash = createHash('sha256').update(body).digest('hex');
    files.set(name, { body, type, etag: `"${hash.slice(0, 32)}"`, version: hash.slice(0, 10) });
  }

  app.get<{ Params: { name: string }; Querystring: { v?: string } }>('/assets/:name', async (req, reply) => {
    const asset = files.get(req.params.name);
    if (!asset) return reply.code(404).type('text/plain; charset=utf-8').send(`no asset "${req.params.name}"\n`);
    reply
      .header('cache-control', req.query.v === asset.version ? 'public, max-age=31536000, immutable' : 'public, max-age=300')
      .header('etag', asset.etag)
      .header('x-content-type-options', 'nosniff');
    if (req.headers['if-none-match'] === asset.etag) return reply.code(304).send();
    return reply.type(asset.type).send(asset.body);
  });

  return {
    url(name) {
      const asset = files.get(name);
      return asset ? `/assets/${name}?v=${asset.version}` : `/assets/${name}`;
    },
  };
}
