import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = resolve(import.meta.dirname, '../../bin/vigie.js');
const dir = mkdtempSync(join(tmpdir(), 'vigie-cli-ops-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const merged = { ...process.env, ...env };
  delete merged.VIGIE_TOKEN;
  delete merged.VIGIE_HOST;
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...merged, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((res) => child.on('close', (code) => res({ code, stderr })));
}

/** A config whose Redis port nothing listens on: a command that got past its checks would say so instead. */
function config(extra = ''): string {
  const file = join(dir, `c-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, `redis: redis://127.0.0.1:1\nstorage: ${join(dir, 'storage')}\n${extra}`);
  return file;
}

describe('vigie: operator errors at start', () => {
  it('a mistyped LOG_LEVEL is one line and exit 2, not a stack trace', async () => {
    const { code, stderr } = await run(['server', '--config', config()], { LOG_LEVEL: 'verbose' });
    expect(stderr.trim()).toBe('vigie: LOG_LEVEL: expected one of trace, debug, info, warn, error, fatal, silent, got "verbose"');
    expect(code).toBe(2);
  });

  for (const command of ['server', 'start']) {
    it(`vigie ${command} refuses a bind beyond loopback without VIGIE_TOKEN, before anything starts`, async () => {
      const fromFile = await run([command, '--config', config('server: { host: 0.0.0.0 }\n')], { LOG_LEVEL: 'warn' });
      expect(fromFile.code).toBe(2);
      expect(fromFile.stderr.trim()).toBe(
        `vigie ${command}: server.host is 0.0.0.0, beyond loopback, and no token is set: anyone who can reach the port could read the dashboard and the queues. Set VIGIE_TOKEN (or server.token), or bind to 127.0.0.1.`,
      );
      const fromEnv = await run([command, '--config', config()], { LOG_LEVEL: 'warn', VIGIE_HOST: '::' });
      expect(fromEnv.code).toBe(2);
      expect(fromEnv.stderr).toContain('server.host is ::, beyond loopback');
      // With a token it gets past the check (and stops at the missing Redis of this config).
      const withToken = await run([command, '--config', config()], { LOG_LEVEL: 'warn', VIGIE_HOST: '0.0.0.0', VIGIE_TOKEN: 'a-long-enough-token', PATH: '/nonexistent' });
      expect(withToken.stderr).not.toContain('beyond loopback');
      expect(withToken.stderr).toMatch(/redis/i);
    });
  }
});
