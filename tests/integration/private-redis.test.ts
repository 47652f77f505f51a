import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { redisAnswers, startPrivateRedis } from '../../src/jobs/index.ts';
import { until } from '../helpers/wait.ts';

const BIN = resolve(import.meta.dirname, '../../bin/vigie.js');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A port nothing listens on right now. */
async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, host, r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

function configDir(): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-private-redis-'));
  dirs.push(dir);
  const file = join(dir, 'vigie.config.yaml');
  writeFileSync(file, 'storage: ./storage\nqueuePrefix: vigie-private-redis-test\nsources: []\n');
  return { dir, file };
}

function start(file: string, env: Record<string, string>) {
  const child = spawn(process.execPath, [BIN, 'start', '--config', file], { env: { ...process.env, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  child.stdout!.resume();
  const done = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  return { child, done, stderr: () => stderr };
}

describe('vigie start when no Redis answers', () => {
  it('runs a private append-only redis-server under <storage>/redis, serves /health, and stops it on SIGTERM', async () => {
    const { dir, file } = configDir();
    const redisUrl = `redis://127.0.0.1:${await freePort()}`;
    const port = await freePort();
    expect(await redisAnswers(redisUrl, 300)).toBe(false);
    const vigie = start(file, { REDIS_URL: redisUrl, PORT: String(port) });
    let exited = false;
    void vigie.done.then(() => (exited = true));
    try {
      const health = await until(
        '/health',
        async () => {
          if (exited) throw new Error(`vigie exited early:\n${vigie.stderr()}`);
          const res = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined);
          return res ? { status: res.status, body: (await res.json()) as { ok: boolean; redis: string; store: string } } : undefined;
        },
        20_000,
      );
      expect(health.status).toBe(200);
      expect(health.body).toMatchObject({ ok: true, redis: 'ok', store: 'ok' });
      expect(await redisAnswers(redisUrl)).toBe(true);
      const redisDir = join(dir, 'storage', 'redis');
      const files = readdirSync(redisDir);
      // Redis 7 keeps the append-only file in a folder; older versions write appendonly.aof itself.
      expect(files.some((f) => f === 'appendonlydir' || f.startsWith('appendonly'))).toBe(true);
      expect(existsSync(join(dir, 'storage', 'vigie.db'))).toBe(true);
    } finally {
      vigie.child.kill('SIGTERM');
    }
    expect(await vigie.done).toBe(0);
    expect(await redisAnswers(redisUrl, 500)).toBe(false);
    expect(vigie.stderr()).toMatch(/started a private redis-server/);
  }, 45_000);

  it('without redis-server on PATH, exits non-zero and says how to get Redis', async () => {
    const { file } = configDir();
    const redisUrl = `redis://127.0.0.1:${await freePort()}`;
    const vigie = start(file, { REDIS_URL: redisUrl, PATH: '/nonexistent' });
    const code = await vigie.done;
    expect(code).not.toBe(0);
    const message = vigie.stderr();
    expect(message).toContain(redisUrl);
    expect(message).toContain('apt-get');
    expect(message).toContain('brew');
    expect(message).toContain('docker compose up -d redis');
    expect(message).toContain('REDIS_URL');
  }, 45_000);
});

const ipv6Loopback = await new Promise<boolean>((resolve) => {
  const probe = createServer();
  probe.once('error', () => resolve(false));
  probe.listen(0, '::1', () => probe.close(() => resolve(true)));
});

describe('startPrivateRedis', () => {
  it.each([['127.0.0.1'], ['localhost'], ...(ipv6Loopback ? [['[::1]']] : [])])('answers at redis://%s:<port>, and stops on close', async (host) => {
    const dir = mkdtempSync(join(tmpdir(), 'vigie-private-redis-'));
    dirs.push(dir);
    const url = `redis://${host}:${await freePort(host === '[::1]' ? '::1' : '127.0.0.1')}`;
    const redis = await startPrivateRedis(url, dir);
    try {
      expect(await redisAnswers(url)).toBe(true);
      expect(readdirSync(join(dir, 'redis'))).toContain('appendonlydir');
    } finally {
      await redis.close();
    }
    expect(await redisAnswers(url, 300)).toBe(false);
  }, 15_000);

  it('refuses to start one for a remote address, with the how-to-get-Redis message', async () => {
    await expect(startPrivateRedis('redis://redis.example.org:6379', '/nonexistent')).rejects.toThrow(/docker compose up -d redis[\s\S]*only started for a local address/);
  });
});
