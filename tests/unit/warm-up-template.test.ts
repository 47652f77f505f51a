import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.ts';
import { warmUpCandidates } from '../../src/jobs/use-cases/warm-up-template.ts';

const dir = mkdtempSync(join(tmpdir(), 'vigie-warm-up-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const load = (crawl: Record<string, unknown>) => loadConfig({ object: { crawl, sources: [{ id: 'site', url: 'https://www.site.example/news/' }] }, env: {}, cwd: dir });

describe('crawl.warmUpPages', () => {
  it('defaults to 3 and takes 0 to turn the warm-up off', () => {
    expect(load({}).crawl.warmUpPages).toBe(3);
    expect(load({ warmUpPages: 0 }).crawl.warmUpPages).toBe(0);
  });

  it('refuses a negative, fractional or huge count, naming the field', () => {
    for (const bad of [-1, 1.5, 11, 'three']) {
      let problems: string[] = [];
      try {
        load({ warmUpPages: bad });
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        problems = (err as ConfigError).problems;
      }
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^crawl\.warmUpPages: /);
    }
  });
});

describe('warmUpCandidates', () => {
  it("takes the source's own host first, each group in list order, never the list page itself", () => {
    const source = load({}).sources[0]!;
    const listed = [
      'https://partner.example/a',
      'https://www.site.example/news/',
      'https://www.site.example/2',
      'https://other.example/b',
      'https://www.site.example/3',
      'https://www.site.example/2',
    ].map((url) => ({ url }));
    expect(warmUpCandidates(source, listed)).toEqual(['https://www.site.example/2', 'https://www.site.example/3', 'https://partner.example/a', 'https://other.example/b']);
  });
});
