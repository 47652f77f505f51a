import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { lookup } from 'node:dns/promises';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { redactUrl } from '../config/database-url.ts';
import { redisAnswers } from './redis-connection.ts';

export interface PrivateRedis {
  url: string;
  close(): Promise<void>;
}

/** Explains how to get Redis, for the message shown when none answers and none can be started. The URL's password is hidden. */
export function redisHelp(url: string, why = 'and redis-server is not on PATH to start a private one'): string {
  return [
    `No Redis answers at ${redactUrl(url)}, ${why}.`,
    'Get Redis one of these ways, then run the command again:',
    '  Debian/Ubuntu:  sudo apt-get install -y redis-server',
    '  macOS:          brew install redis && brew services start redis',
    '  Docker:         docker compose up -d redis',
    '  Elsewhere:      set REDIS_URL=redis://host:6379 (or `redis:` in the config)',
  ].join('\n');
}

export function redisServerOnPath(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * Starts a redis-server of our own on the configured local port, data under `<storage>/redis`, append-only so
 * queued jobs survive a crash; stopped (with a final save) on close.
 */
export async function startPrivateRedis(url: string, storageDir: string): Promise<PrivateRedis> {
  const parsed = new URL(url);
  if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(parsed.hostname)) {
    throw new Error(`${redisHelp(url)}\n(A private Redis is only started for a local address, not ${parsed.hostname}.)`);
  }
  const port = parsed.port || '6379';
  // Listen where the client will connect: `[::1]`, or whichever loopback `localhost` resolves to here.
  const bind = (await lookup(parsed.hostname.replace(/^\[|\]$/g, ''))).address;
  const dir = join(storageDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', port, '--bind', bind, '--dir', dir, '--appendonly', 'yes', '--save', '', '--daemonize', 'no', '--logfile', join(dir, 'redis.log')],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const started = Date.now();
  while (!(await redisAnswers(url, 500))) {
    if (child.exitCode !== null || Date.now() - started > 10_000) {
      child.kill('SIGKILL');
      throw new Error(`could not start a private redis-server on port ${port} (see ${join(dir, 'redis.log')})`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    async close() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
