import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.ts';
import { logLevelProblem } from '../../src/create-logger.ts';

const load = (env: NodeJS.ProcessEnv, object: Record<string, unknown> = {}) => loadConfig({ object, env, cwd: '/tmp' });

describe('operator settings from the environment', () => {
  it('VIGIE_HOST sets server.host (Docker listens on 0.0.0.0 inside the container)', () => {
    expect(load({}).server.host).toBe('127.0.0.1');
    expect(load({ VIGIE_HOST: '0.0.0.0' }, { server: { host: '127.0.0.1' } }).server.host).toBe('0.0.0.0');
  });

  it('VIGIE_CHROMIUM_NO_SANDBOX: 1/true/0/false, anything else an error naming the variable; off by default', () => {
    expect(load({}).crawl.chromiumNoSandbox).toBe(false);
    expect(load({ VIGIE_CHROMIUM_NO_SANDBOX: '1' }).crawl.chromiumNoSandbox).toBe(true);
    expect(load({ VIGIE_CHROMIUM_NO_SANDBOX: 'TRUE' }).crawl.chromiumNoSandbox).toBe(true);
    expect(load({ VIGIE_CHROMIUM_NO_SANDBOX: '0' }, { crawl: { chromiumNoSandbox: true } }).crawl.chromiumNoSandbox).toBe(false);
    expect(load({}, { crawl: { chromiumNoSandbox: true } }).crawl.chromiumNoSandbox).toBe(true);
    try {
      load({ VIGIE_CHROMIUM_NO_SANDBOX: 'yes please' });
      throw new Error('loaded');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems).toEqual(['crawl.chromiumNoSandbox (or VIGIE_CHROMIUM_NO_SANDBOX): expected true or false']);
    }
  });

  it('a LOG_LEVEL pino does not know is one line naming the variable and the levels', () => {
    expect(logLevelProblem('info')).toBeNull();
    expect(logLevelProblem('silent')).toBeNull();
    expect(logLevelProblem('verbose')).toBe('LOG_LEVEL: expected one of trace, debug, info, warn, error, fatal, silent, got "verbose"');
  });
});

describe('examples/vigie.config.yaml', () => {
  const file = new URL('../../examples/vigie.config.yaml', import.meta.url).pathname;

  it('holds no real-looking whsec_ secret: its placeholder is refused, with how to make one', () => {
    const text = readFileSync(file, 'utf8');
    // A real secret is whsec_ + base64 of 16 bytes or more (22+ characters).
    expect(text).not.toMatch(/whsec_[A-Za-z0-9+/]{22,}/);
    try {
      loadConfig({ file, env: {} });
      throw new Error('loaded');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems;
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^webhooks\[0\]\.secret: still the example's placeholder; make a secret with {2}node -e /);
    }
  });

  it('loads once its placeholder is replaced by a real secret', () => {
    const text = readFileSync(file, 'utf8').replace('whsec_REPLACE_ME', `whsec_${Buffer.alloc(24, 7).toString('base64')}`);
    const copy = join(mkdtempSync(join(tmpdir(), 'vigie-example-')), 'vigie.config.yaml');
    writeFileSync(copy, text);
    const config = loadConfig({ file: copy, env: {} });
    expect(config.sources.length).toBeGreaterThan(0);
    expect(config.server.host).toBe('127.0.0.1');
    rmSync(join(copy, '..'), { recursive: true, force: true });
  });
});
