import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config, type ConfigInput } from '../../src/config/index.ts';
import { REDIS_URL } from './harness.ts';
import { obliterateQueues } from './wait.ts';

export interface TempConfig {
  dir: string;
  file: string;
  prefix: string;
}

/**
 * A temp folder holding a vigie.config.yaml for a `vigie` child process: real Redis under a queue prefix of its own,
 * storage in the folder, the server on a free port, loopback allowed (`network`, where test servers listen), then
 * `lines`. The folder and the prefix's keys are removed by the test's cleanups.
 */
export function tempConfig(
  cleanups: Array<() => unknown>,
  name: string,
  lines: string[],
  crawl = '{ hostInterval: 10ms, timeout: 5s }',
  network = '{ allow: ["127.0.0.1/32", "::1/128"] }',
): TempConfig {
  const dir = mkdtempSync(join(tmpdir(), `vigie-${name}-`));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const prefix = `vigie-${name}-${randomBytes(5).toString('hex')}`;
  cleanups.push(() => obliterateQueues(REDIS_URL, prefix));
  const file = join(dir, 'vigie.config.yaml');
  const head = [`redis: ${REDIS_URL}`, 'storage: ./storage', `queuePrefix: ${prefix}`, 'server: { host: 127.0.0.1, port: 0 }', `crawl: ${crawl}`, `network: ${network}`];
  writeFileSync(file, [...head, ...lines, ''].join('\n'));
  return { dir, file, prefix };
}

/**
 * A loaded config for an in-process test: storage in a temp folder, real Redis under a queue prefix of its own,
 * then `object` (server, sources, webhooks...). The folder is removed by the test's cleanups.
 */
export function tempDirConfig(cleanups: Array<() => unknown>, name: string, object: ConfigInput): Config {
  const dir = mkdtempSync(join(tmpdir(), `vigie-${name}-`));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return loadConfig({ env: {}, cwd: dir, object: { redis: REDIS_URL, queuePrefix: `{vigie-test-${randomBytes(6).toString('hex')}}`, ...object } });
}
