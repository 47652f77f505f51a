import { connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { Redis } from 'ioredis';

/**
 * A Redis connection for BullMQ. Workers need `maxRetriesPerRequest: null` so a blocking command survives a
 * Redis restart instead of failing the worker.
 */
export function createRedisConnection(url: string, options: { lazy?: boolean; name?: string } = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: options.lazy ?? false, connectionName: options.name });
}

/**
 * True when a Redis at `url` answers PING (after AUTH when the URL has credentials) within `timeoutMs`. A raw
 * socket rather than ioredis: a refused ioredis connection keeps the process alive for two more seconds.
 */
export async function redisAnswers(url: string, timeoutMs = 1500): Promise<boolean> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  const host = parsed.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
  const port = Number(parsed.port || 6379);
  const auth = parsed.password
    ? [parsed.username ? decodeURIComponent(parsed.username) : undefined, decodeURIComponent(parsed.password)].filter((x) => x !== undefined)
    : [];
  const command = (args: string[]) => `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
  return new Promise<boolean>((resolve) => {
    const socket = parsed.protocol === 'rediss:' ? tlsConnect({ host, port, servername: host }) : netConnect({ host, port });
    let reply = '';
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once(parsed.protocol === 'rediss:' ? 'secureConnect' : 'connect', () => {
      socket.write((auth.length ? command(['AUTH', ...auth]) : '') + command(['PING']));
    });
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString('latin1');
      if (reply.includes('+PONG')) done(true);
      else if (reply.startsWith('-') || /\r\n-/.test(reply)) done(false);
    });
    socket.on('error', () => done(false));
    socket.on('close', () => done(false));
  });
}
