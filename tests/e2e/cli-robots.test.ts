import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startNewsSite, type NewsSite } from '../../src/demo/news-site.ts';
import { initialStories } from '../fixtures/stories.ts';

const BIN = resolve(import.meta.dirname, '../../bin/vigie.js');
let site: NewsSite | null = null;
afterEach(async () => {
  await site?.close();
  site = null;
});

function run(args: string[]): Promise<{ code: number | null; stderr: string }> {
  // The site listens on loopback, which `vigie check` refuses unless the environment allows it.
  const env = { ...process.env, LOG_LEVEL: 'warn', VIGIE_ALLOW_NETWORKS: '127.0.0.1/32' };
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((res) => child.on('close', (code) => res({ code, stderr })));
}

describe('robots.txt in a fresh process', () => {
  // A process that never called the global fetch() (undici 7 then refused the robots.txt request's redirect
  // option, the error read as "robots.txt unreachable", and every URL was allowed).
  it('`vigie check` fetches robots.txt and does not request a disallowed page', async () => {
    site = await startNewsSite({ template: 'reference', articles: initialStories.slice(0, 4), robotsTxt: 'User-agent: *\nDisallow: /admin/\n' });
    const { code, stderr } = await run(['check', `${site.url}admin/page`]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/robots\.txt of .* disallows/);
    expect(site.requests.map((r) => r.path)).toEqual(['/robots.txt']);
  }, 30_000);
});
