import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redisAnswers } from '../../src/jobs/index.ts';

export interface TestRedis {
  url: string;
  port: number;
  dir: string;
  /** Stops the server (SIGTERM: an AOF server writes its file out first) and waits for it to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port and folder; `appendonly` as given, else as before. */
  start(options?: { appendonly?: boolean }): Promise<void>;
  /** Stops it and removes its folder. */
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

/**
 * A redis-server of the test's own, on a free loopback port with its data in a temp folder, so a test can restart
 * or flush it. Never the machine's Redis on 6379.
 */
export async function startTestRedis(options: { appendonly: boolean }): Promise<TestRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'vigie-redis-'));
  const url = `redis://127.0.0.1:${port}`;
  let appendonly = options.appendonly;
  let child: ChildProcess | null = null;
  const start = async (opts: { appendonly?: boolean } = {}) => {
    appendonly = opts.appendonly ?? appendonly;
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', appendonly ? 'yes' : 'no', '--save', '', '--daemonize', 'no', '--logfile', join(dir, 'redis.log')];
    child = spawn('redis-server', args, { stdio: 'ignore' });
    const deadline = Date.now() + 10_000;
    while (!(await redisAnswers(url, 300))) {
      if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not start (see ${join(dir, 'redis.log')})`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const stop = async () => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGTERM');
    await exited;
  };
  await start();
  return {
    url,
    port,
    dir,
    stop,
    start,
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
