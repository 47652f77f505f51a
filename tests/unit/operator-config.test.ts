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
