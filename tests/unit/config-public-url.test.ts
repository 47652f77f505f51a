import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';
import { configProblems } from '../helpers/config-problems.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-config-public-url-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const load = (server: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) => loadConfig({ object: { server }, env, cwd: dir });

const problems = (server: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) => configProblems(() => load(server, env));

describe('server.publicUrl', () => {
  it('is optional, and kept as given when it is an absolute http(s) URL without a trailing slash', () => {
    expect(load({}).server.publicUrl).toBeUndefined();
    expect(load({ publicUrl: 'https://vigie.example.org' }).server.publicUrl).toBe('https://vigie.example.org');
    expect(load({ publicUrl: 'http://10.1.2.3:3000/vigie' }).server.publicUrl).toBe('http://10.1.2.3:3000/vigie');
  });

  it('refuses a relative URL, another scheme, a trailing slash, a query, a fragment or credentials, naming the field', () => {
    for (const bad of ['vigie.example.org', '/vigie', 'ftp://vigie.example.org', 'javascript:alert(1)', 'https://vigie.example.org/', 'https://vigie.example.org/x/', 'https://vigie.example.org?a=1', 'https://vigie.example.org#top', ' https://vigie.example.org']) {
      const found = problems({ publicUrl: bad });
      expect(found, bad).toHaveLength(1);
      expect(found[0], bad).toMatch(/^server\.publicUrl \(or VIGIE_PUBLIC_URL\): expected an absolute http\(s\) URL without a trailing slash/);
    }
    expect(problems({ publicUrl: 42 })[0]).toMatch(/^server\.publicUrl \(or VIGIE_PUBLIC_URL\): expected an absolute http\(s\) URL/);
  });

  it('does not quote back a URL that holds credentials', () => {
    const [problem] = problems({ publicUrl: 'https://admin:hunter22@vigie.example.org' });
    expect(problem).toMatch(/^server\.publicUrl \(or VIGIE_PUBLIC_URL\): expected/);
    expect(problem).not.toContain('hunter22');
  });

  it('VIGIE_PUBLIC_URL overrides the file, and a bad one is named', () => {
    expect(load({ publicUrl: 'https://file.example.org' }, { VIGIE_PUBLIC_URL: 'https://env.example.org' }).server.publicUrl).toBe('https://env.example.org');
    expect(load({}, { VIGIE_PUBLIC_URL: 'https://env.example.org' }).server.publicUrl).toBe('https://env.example.org');
    expect(problems({}, { VIGIE_PUBLIC_URL: 'https://env.example.org/' })[0]).toMatch(/^server\.publicUrl \(or VIGIE_PUBLIC_URL\): /);
  });
});
