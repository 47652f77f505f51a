/**
 * `npm run bench:load`: a whole monitor under a realistic load (issue 7). 1,000 sources on 50 hosts (20 per host,
 * on 127.0.0.2 ... 127.0.0.51, so they really are different hosts), served by a child process; each cycle the
 * child publishes a new entry on ~5% of the section pages, so article jobs compete with crawls for the same hosts.
 *
 * Scenario A runs below host capacity (`every: 20s`, `hostInterval: 200ms`: 5 req/s per host against 1 req/s of
 * crawls), scenario B at twice the host capacity (`hostInterval: 2s`: 0.5 req/s against 1 req/s). Each scenario
 * gets its own monitor (startMonitor, real Redis, own queue prefix, temp storage, default workers), waits for the
 * baselines, then measures `cycles` cycles of `every`, and cleans up.
 *
 * Usage: `npm run bench:load [-- --cycles 10 --every 20s --scenario A|B --hosts 50 --per-host 20
 *   --database postgres://postgres@127.0.0.1:5432/postgres --workers 2]`.
 * Defaults are what issue 7 asks. The figures are printed as a table and as one JSON line per scenario.
 *
 * Scaling (issue 10): `--database <postgres URL>` runs the monitor on Postgres; the URL names a server and a
 * database the bench may connect to, and each scenario creates a throwaway `vigie_bench_<pid>_<scenario>` there
 * (dropped at the end). Without it, SQLite at `<storage>/vigie.db`. `--workers N` starts N `vigie worker` processes
 * (the real CLI, same config file) beside the in-process monitor; their CPU (/proc) counts in CPU per crawl.
 */
// The V8 flags `vigie` itself runs with, first: memory is one of the figures.
import '../bin/v8-flags.js';
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { QueueEvents, type Queue } from 'bullmq';
import pg from 'pg';
import { databaseUrlProblem, loadConfig, parseDuration, redactUrl } from '../src/config/index.ts';
import { createLogger } from '../src/create-logger.ts';
import { canonicalUrl } from '../src/dedupe/canonical-url.ts';
import { startWebhookReceiver } from '../src/demo/webhook-receiver.ts';
import { createRedisConnection, QUEUE_NAMES } from '../src/jobs/index.ts';
import { startMonitor, type Monitor } from '../src/monitor.ts';
import type { ChildMessage, ParentMessage, SectionInfo } from './load-sites.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PUBLISH_FRACTION = 0.05;
const MB = 1024 * 1024;
const TARGET_P95_LAG_MS = 5_000;
const TARGET_RSS_MB = 300;

interface Options {
  cycles: number;
  everyMs: number;
  hosts: number;
  perHost: number;
  scenarios: ScenarioSpec[];
  /** A Postgres server URL (its database is only where the bench connects to create and drop its own); null: SQLite. */
  database: string | null;
  /** `vigie worker` processes beside the in-process monitor. */
  workers: number;
}

interface ScenarioSpec {
  name: 'A' | 'B';
  label: string;
  /** Host capacity over crawl demand: 5 in A, 0.5 in B. */
  capacityRatio: number;
}

function parseEvery(text: string): number {
  const ms = parseDuration(text);
  if (ms === null || !(ms > 0)) throw new Error(`--every: expected a duration like 20s, got ${text}`);
  return ms;
}

function parseArgs(argv: string[]): Options {
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    if (i < 0) return undefined;
    const v = argv[i + 1];
    if (v === undefined) throw new Error(`${name} needs a value`);
    return v;
  };
  const int = (name: string, fallback: number, min: number) => {
    const v = value(name);
    const n = v === undefined ? fallback : Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`${name}: expected an integer >= ${min}, got ${v}`);
    return n;
  };
  const all: ScenarioSpec[] = [
    { name: 'A', label: 'below capacity', capacityRatio: 5 },
    { name: 'B', label: '2x overload', capacityRatio: 0.5 },
  ];
  const only = value('--scenario');
  const hosts = int('--hosts', 50, 1);
  if (hosts > 250) throw new Error('--hosts: at most 250 (127.0.0.2 ... 127.0.0.251)');
  const database = value('--database') ?? null;
  const problem = database === null ? null : databaseUrlProblem(database);
  if (problem) throw new Error(`--database: ${problem}`);
  return {
    database,
    workers: int('--workers', 0, 0),
    cycles: int('--cycles', 10, 1),
    everyMs: parseEvery(value('--every') ?? '20s'),
    hosts,
    perHost: int('--per-host', 20, 1),
    scenarios: only ? all.filter((s) => s.name === only.toUpperCase()) : all,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Small statistics helpers

function quantile(values: number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
const max = (values: number[]): number | null => (values.length === 0 ? null : values.reduce((a, b) => Math.max(a, b), -Infinity));
const mean = (values: number[]): number | null => (values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length);
const secs = (ms: number | null): string => (ms === null ? 'n/a' : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`);
const mb = (bytes: number | null): string => (bytes === null ? 'n/a' : `${(bytes / MB).toFixed(1)} MB`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

// ---------------------------------------------------------------------------------------------------------------
// The fixture sites (child process)

interface Sites {
  child: ChildProcess;
  sections: SectionInfo[];
  /** Publications reported by the child: canonical URL -> time published. */
  published: Map<string, number>;
  send(message: ParentMessage): void;
  close(): Promise<void>;
}

async function startSites(hosts: number, perHost: number): Promise<Sites> {
  const child = fork(fileURLToPath(new URL('./load-sites.ts', import.meta.url)), ['--hosts', String(hosts), '--sections', String(perHost)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: ['--import', 'tsx'],
  });
  const published = new Map<string, number>();
  const sections = await new Promise<SectionInfo[]>((resolve, reject) => {
    child.on('message', (m: ChildMessage) => {
      if (m.type === 'ready') resolve(m.sections);
      else if (m.type === 'published') published.set(canonicalUrl(m.url), m.at);
    });
    child.once('exit', (code) => reject(new Error(`fixture sites exited with ${code}`)));
  });
  return {
    child,
    sections,
    published,
    send: (m) => void child.send(m),
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.disconnect();
        setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
      }),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Redis

function redisUsedMemory(info: string): number {
  return Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? NaN);
}

/** Bytes held by this run's keys (MEMORY USAGE over `prefix:*`) and their count. */
async function prefixMemory(redis: ReturnType<typeof createRedisConnection>, prefix: string): Promise<{ keys: number; bytes: number }> {
  let cursor = '0';
  let keys = 0;
  let bytes = 0;
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 2000);
    cursor = next;
    if (batch.length === 0) continue;
    const pipe = redis.pipeline();
    for (const k of batch) pipe.memory('USAGE', k);
    for (const [, v] of (await pipe.exec()) ?? []) bytes += Number(v ?? 0);
    keys += batch.length;
  } while (cursor !== '0');
  return { keys, bytes };
}

async function deletePrefix(redis: ReturnType<typeof createRedisConnection>, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 2000);
    cursor = next;
    if (batch.length > 0) await redis.unlink(...batch);
  } while (cursor !== '0');
}

interface QueueCounts {
  delayed: number;
  /** waiting + prioritized: ready to run. */
  waiting: number;
  active: number;
  failed: number;
}

async function queueCounts(queue: Queue): Promise<QueueCounts> {
  const c = await queue.getJobCounts('delayed', 'waiting', 'prioritized', 'active', 'failed');
  return { delayed: c.delayed ?? 0, waiting: (c.waiting ?? 0) + (c.prioritized ?? 0), active: c.active ?? 0, failed: c.failed ?? 0 };
}

// ---------------------------------------------------------------------------------------------------------------
// The store's rows, read by the bench: one tiny reader per backend, the same SQL (`?` placeholders)

interface FigureDb {
  all<T>(sql: string, params?: unknown[]): Promise<T[]>;
  get<T>(sql: string, params?: unknown[]): Promise<T>;
  close(): Promise<void>;
}

/** A read-only connection to `<storage>/vigie.db`, beside the monitor's own (WAL lets it read while they write). */
function sqliteFigures(file: string): FigureDb {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  const all = async <T,>(sql: string, params: unknown[] = []) => db.prepare(sql).all(...params) as T[];
  return {
    all,
    get: async <T,>(sql: string, params: unknown[] = []) => (await all<T>(sql, params))[0]!,
    close: async () => void db.close(),
  };
}

/** One pg client; BIGINT (ids, COUNT) as numbers, as better-sqlite3 gives them (the bench's ids stay far below 2^53). */
async function postgresFigures(url: string): Promise<FigureDb & { backendPid: number }> {
  const client = new pg.Client({
    connectionString: url,
    types: { getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === 20 ? Number : pg.types.getTypeParser(oid, format as 'text'))) as typeof pg.types.getTypeParser },
  });
  // The connection's end (a forced DROP DATABASE at cleanup) must not crash the bench; a query then fails on its own.
  client.on('error', () => {});
  await client.connect();
  const all = async <T,>(sql: string, params: unknown[] = []) => {
    let n = 0;
    return (await client.query(sql.replace(/\?/g, () => `$${++n}`), params)).rows as T[];
  };
  const backendPid = (await all<{ pid: number }>('SELECT pg_backend_pid() AS pid'))[0]!.pid;
  return {
    all,
    get: async <T,>(sql: string, params: unknown[] = []) => (await all<T>(sql, params))[0]!,
    close: () => client.end(),
    backendPid,
  };
}

/** Runs `fn` on a client connected to `adminUrl` (the server's maintenance database, usually `postgres`). */
async function withAdmin<T>(adminUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  client.on('error', () => {});
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A throwaway database on the server of `adminUrl`; returns the URL that names it. */
async function createBenchDatabase(adminUrl: string, name: string): Promise<string> {
  await withAdmin(adminUrl, (c) => c.query(`CREATE DATABASE "${name}"`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.href;
}

/** Databases created and not dropped yet: an interrupted run drops them on its way out. */
const pendingDatabases = new Set<{ adminUrl: string; name: string }>();

/** FORCE: a worker that would not die still holds connections; the database goes anyway. */
async function dropBenchDatabase(adminUrl: string, name: string): Promise<void> {
  await withAdmin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

// ---------------------------------------------------------------------------------------------------------------
// CPU and memory of other processes, from /proc (Linux)

const CLK_TCK = (() => {
  try {
    const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isInteger(n) && n > 0 ? n : 100;
  } catch {
    return 100;
  }
})();

/**
 * Microseconds during which some runnable task waited for a CPU (Linux PSI, /proc/pressure/cpu `some total`); null
 * without PSI. Over the window, the share of time the machine was short of CPU: the load average says how many
 * wanted to run, this says how long anyone waited.
 */
function cpuPressureUs(): number | null {
  try {
    const total = /^some .*total=(\d+)/m.exec(readFileSync('/proc/pressure/cpu', 'utf8'))?.[1];
    return total === undefined ? null : Number(total);
  } catch {
    return null;
  }
}

/** utime + stime of a live process, in ms; null once it is gone. */
function procCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: fields are counted after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of proc(5); fields[0] is field 3.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
  } catch {
    return null;
  }
}

function procRssBytes(pid: number): number | null {
  try {
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? null : Number(kb) * 1024;
  } catch {
    return null;
  }
}

/**
 * CPU of the Postgres server processes that serve one database (not the bench's own reader), sampled: a backend
 * seen at the start counts from there, one that appears later counts whole (it started in the window), and one
 * that exits between two samples loses what it used since the last one. An estimate from below, said as such.
 */
class PostgresServerCpu {
  private readonly start = new Map<number, number>();
  private readonly last = new Map<number, number>();
  private started = false;
  constructor(
    private readonly adminUrl: string,
    private readonly database: string,
    private readonly excludePid: number,
  ) {}

  async sample(): Promise<void> {
    const rows = await withAdmin(this.adminUrl, (c) =>
      c.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> $2', [this.database, this.excludePid]),
    );
    for (const { pid } of rows.rows) {
      const ms = procCpuMs(pid);
      if (ms === null) continue;
      if (!this.started) this.start.set(pid, ms);
      else if (!this.start.has(pid)) this.start.set(pid, 0);
      this.last.set(pid, ms);
    }
    this.started = true;
  }

  totalMs(): number {
    let total = 0;
    for (const [pid, ms] of this.last) total += ms - (this.start.get(pid) ?? 0);
    return total;
  }

  get backends(): number {
    return this.last.size;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// `vigie worker` processes

/** Every worker still running, so an interrupted or crashing bench does not leave them behind. */
const liveWorkers = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of liveWorkers) child.kill('SIGKILL');
});

interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  log: string;
  /** Set when it exits: code or signal. */
  exited: string | null;
}

const VIGIE_BIN = fileURLToPath(new URL('../bin/vigie.js', import.meta.url));

/**
 * `node bin/vigie.js worker --config <file>`: the CLI a user runs. The environment loses what would override the
 * file (DATABASE_URL, REDIS_URL, VIGIE_*), and logs go at warn to a file kept after the run.
 */
function startWorker(configFile: string, log: string): WorkerProcess {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(DATABASE_URL|REDIS_URL|PORT|VIGIE_.*)$/.test(k)) env[k] = v;
  env.LOG_LEVEL = 'warn';
  const fd = openSync(log, 'a');
  const child = spawn(process.execPath, [VIGIE_BIN, 'worker', '--config', configFile], { env, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  if (child.pid === undefined) throw new Error(`could not start ${VIGIE_BIN} worker`);
  const w: WorkerProcess = { child, pid: child.pid, log, exited: null };
  liveWorkers.add(child);
  child.once('exit', (code, signal) => {
    w.exited = signal ?? `code ${code}`;
    liveWorkers.delete(child);
  });
  return w;
}

/** SIGTERM (a worker finishes its jobs and closes), then SIGKILL after `graceMs`. */
async function stopWorker(w: WorkerProcess, graceMs = 15_000): Promise<void> {
  if (w.child.exitCode !== null || w.child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => w.child.once('exit', () => resolve()));
  w.child.kill('SIGTERM');
  const timer = setTimeout(() => {
    console.error(`  worker ${w.pid} still running ${graceMs / 1000} s after SIGTERM: SIGKILL`);
    w.child.kill('SIGKILL');
  }, graceMs);
  await exited;
  clearTimeout(timer);
}

function logTail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

function lineCount(file: string): number {
  try {
    const text = readFileSync(file, 'utf8').trimEnd();
    return text === '' ? 0 : text.split('\n').length;
  } catch {
    return 0;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// One scenario

function memory(): { rssMb: number; heapMb: number; externalMb: number } {
  const m = process.memoryUsage();
  return { rssMb: m.rss / MB, heapMb: m.heapUsed / MB, externalMb: m.external / MB };
}

/** Due time (from the scheduler's job id) to completion, for crawls (not merged, not failed) completed in [from, to). */
function completedLags(fates: Map<string, TickFate>, from: number, to: number): number[] {
  const lags: number[] = [];
  for (const [jobId, fate] of fates) {
    if (fate.at < from || fate.at >= to || fate.outcome === 'merged' || fate.outcome === 'failed') continue;
    const due = Number(/^repeat:source-.+:(\d+)$/.exec(jobId)?.[1]);
    if (Number.isFinite(due)) lags.push(fate.at - due);
  }
  return lags;
}

interface CycleSample {
  cycle: number;
  at: number;
  rssMb: number;
  /** V8 heap in use and memory outside it (Buffers, native addons): where RSS growth comes from. */
  heapMb: number;
  externalMb: number;
  crawls: number;
  lagP95Ms: number | null;
  delivered: number;
  crawlQueue: QueueCounts;
  articleQueue: QueueCounts;
  load1: number;
}

interface TickFate {
  /** Completed with a crawl outcome, or merged into a waiting crawl, or failed for good. */
  outcome: string;
  /** Stream time of the completion event. */
  at: number;
}

/** The running scenario's cleanup, for an interrupted run (Ctrl-C): workers, queues, monitor, database, storage. */
let activeCleanup: (() => Promise<void>) | null = null;

async function runScenario(spec: ScenarioSpec, options: Options, sites: Sites) {
  const { everyMs, cycles, perHost } = options;
  // Crawl demand per host is perHost / every; the interval gives the host capacity asked for.
  const hostIntervalMs = Math.round(everyMs / perHost / spec.capacityRatio);
  const prefix = `vigie-bench-${randomBytes(5).toString('hex')}`;
  const storage = mkdtempSync(join(tmpdir(), 'vigie-load-'));
  const redis = createRedisConnection(REDIS_URL, { name: 'vigie-bench' });
  const closers: Array<() => Promise<unknown> | unknown> = [];
  const closeAll = async () => {
    for (const c of closers.splice(0).reverse()) {
      try {
        await c();
      } catch (err) {
        console.error(`cleanup: ${(err as Error).message}`);
      }
    }
  };
  closers.push(() => redis.quit());
  closers.push(() => rmSync(storage, { recursive: true, force: true }));
  closers.push(() => deletePrefix(redis, prefix));
  activeCleanup = closeAll;

  try {
    // Postgres: a database of its own, created here and dropped at the end (after the workers and the monitor).
    const pgDatabase = options.database ? `vigie_bench_${process.pid}_${spec.name.toLowerCase()}` : null;
    let databaseUrl: string | null = null;
    if (options.database && pgDatabase) {
      const adminUrl = options.database;
      databaseUrl = await createBenchDatabase(adminUrl, pgDatabase);
      const drop = { adminUrl, name: pgDatabase };
      pendingDatabases.add(drop);
      closers.push(async () => {
        await dropBenchDatabase(adminUrl, pgDatabase);
        pendingDatabases.delete(drop);
      });
    }

    // Deliveries: only what the figures need is kept, so the receiver itself does not grow with the run.
    const deliveries: Array<{ at: number; firstSeenAt: number; url: string }> = [];
    const secret = `whsec_${randomBytes(24).toString('base64')}`;
    let receiverRef: { received: unknown[] } | null = null;
    const receiver = await startWebhookReceiver({
      secret,
      onWebhook: (r) => {
        const entry = r.payload?.data?.entry;
        if (r.signatureValid && r.payload?.type === 'article.new' && entry) deliveries.push({ at: r.at, firstSeenAt: Date.parse(entry.firstSeenAt), url: entry.url });
        if (receiverRef) receiverRef.received.length = 0;
      },
    });
    receiverRef = receiver;
    closers.push(() => receiver.close());

    const sources = sites.sections.map((s) => ({
      id: `h${String(s.host).padStart(2, '0')}-s${String(s.section).padStart(2, '0')}`,
      url: s.url,
      every: `${everyMs}ms`,
    }));
    const configObject = {
      redis: REDIS_URL,
      storage,
      ...(databaseUrl ? { database: databaseUrl } : {}),
      queuePrefix: prefix,
      server: { host: '127.0.0.1', port: 0 },
      crawl: { hostInterval: `${hostIntervalMs}ms`, respectRobotsTxt: true, userAgent: 'Vigie-bench/0.1 (load benchmark on loopback)' },
      // The sites are on 127.0.0.2 and up, the receiver on 127.0.0.1: loopback is refused unless allowed.
      network: { allow: ['127.0.0.0/8'] },
      sources,
      webhooks: [{ url: receiver.url, secret, events: ['article.new'] }],
    };
    const config = loadConfig({ env: {}, object: configObject });

    // Crawl job outcomes, by job id, from the queue's event stream (completed jobs are trimmed from Redis).
    const fates = new Map<string, TickFate>();
    const streamTime = (id: string) => Number(id.split('-')[0]);
    // BullMQ leaves a connection it was given open on close(): it is quit here.
    const eventsConnection = createRedisConnection(REDIS_URL, { name: 'vigie-bench-events' });
    closers.push(() => eventsConnection.disconnect());
    const events = new QueueEvents(QUEUE_NAMES.crawl, { connection: eventsConnection, prefix });
    closers.push(() => events.close());
    events.on('completed', ({ jobId, returnvalue }, id) => {
      const outcome = (returnvalue as { outcome?: string } | null)?.outcome ?? 'unknown';
      fates.set(jobId, { outcome, at: streamTime(id) });
    });
    events.on('failed', ({ jobId }, id) => fates.set(jobId, { outcome: 'failed', at: streamTime(id) }));
    await events.waitUntilReady();

    const rssBeforeMonitor = process.memoryUsage().rss;
    const startedAt = Date.now();
    const monitor: Monitor = await startMonitor({ config, roles: { scheduler: true, workers: true, server: false }, log: createLogger('silent') });
    closers.push(() => monitor.close());
    closers.push(async () => {
      for (const q of monitor.queues.all) await q.obliterate({ force: true }).catch(() => undefined);
    });
    const schedulesInAt = Date.now();

    // `vigie worker` processes, on the same config (as a file: YAML reads JSON), beside the monitor's own workers.
    const workers: WorkerProcess[] = [];
    if (options.workers > 0) {
      const workersBefore = await monitor.queues.crawl.getWorkersCount();
      const configFile = join(storage, 'worker-config.yaml');
      writeFileSync(configFile, JSON.stringify(configObject, null, 2));
      for (let i = 0; i < options.workers; i++) {
        workers.push(startWorker(configFile, join(tmpdir(), `vigie-bench-${process.pid}-${spec.name}-worker-${i + 1}.log`)));
      }
      closers.push(() => Promise.all(workers.map((w) => stopWorker(w))));
      // Ready when each one's crawl worker is connected (BullMQ names its connections; CLIENT LIST finds them).
      const readyDeadline = Date.now() + 120_000;
      while ((await monitor.queues.crawl.getWorkersCount()) < workersBefore + options.workers) {
        const dead = workers.find((w) => w.exited !== null);
        if (dead) throw new Error(`worker ${dead.pid} exited (${dead.exited}) before it was ready:\n${logTail(dead.log, 20)}`);
        if (Date.now() > readyDeadline) throw new Error(`worker processes not connected after 120 s:\n${workers.map((w) => logTail(w.log, 5)).join('\n')}`);
        await sleep(250);
      }
      console.log(`  [${spec.name}] ${workers.length} worker processes ready (pids ${workers.map((w) => w.pid).join(', ')}; logs ${join(tmpdir(), `vigie-bench-${process.pid}-${spec.name}-worker-*.log`)})`);
    }

    // A second connection: the figures come from the store's own rows, with the same SQL on either backend.
    const pgFigures = databaseUrl ? await postgresFigures(databaseUrl) : null;
    const figures: FigureDb = pgFigures ?? sqliteFigures(join(storage, 'vigie.db'));
    closers.push(() => figures.close());
    const pgCpu = pgFigures && pgDatabase && options.database ? new PostgresServerCpu(options.database, pgDatabase, pgFigures.backendPid) : null;
    // crawls.lag_ms came with a migration: a store from before it is measured from the queue's events instead.
    const hasLag = await figures.all('SELECT lag_ms FROM crawls WHERE 1 = 0').then(() => true, () => false);
    const baselined = () => figures.get<{ n: number }>("SELECT COUNT(DISTINCT source_id) AS n FROM crawls WHERE outcome = 'baseline'");
    const rowsSince = (id: number) =>
      figures.all<Row & { id: number }>(`SELECT id, source_id AS "sourceId", at, outcome, ${hasLag ? 'lag_ms' : 'NULL'} AS "lagMs" FROM crawls WHERE id > ? ORDER BY id`, [id]);
    type Row = { sourceId: string; at: string; outcome: string; lagMs: number | null };

    // Baselines: every source's first crawl, before anything is published.
    const baselineTimeoutMs = Math.max(3 * everyMs, 2 * perHost * hostIntervalMs + everyMs);
    const baselineDeadline = Date.now() + baselineTimeoutMs;
    let baselines = 0;
    while (Date.now() < baselineDeadline) {
      baselines = (await baselined()).n;
      if (baselines >= sources.length) break;
      await sleep(500);
    }
    const baselineMs = Date.now() - startedAt;
    console.log(`  [${spec.name}] baselines: ${baselines}/${sources.length} in ${secs(baselineMs)}${baselines < sources.length ? ' (timed out)' : ''}`);

    // The measured window.
    const lastIdBefore = (await figures.get<{ id: number }>('SELECT COALESCE(MAX(id), 0) AS id FROM crawls')).id;
    const redisStart = redisUsedMemory(await redis.info('memory'));
    const prefixStart = await prefixMemory(redis, prefix);
    const rssStart = process.memoryUsage().rss;
    const workerRssStart = workers.map((w) => procRssBytes(w.pid) ?? NaN);
    const schedulers = await monitor.queues.crawl.getJobSchedulers(0, -1);
    // CPU of this process and of each worker process (the last reading of one that died counts).
    await pgCpu?.sample();
    const workerCpuStart = workers.map((w) => procCpuMs(w.pid) ?? NaN);
    const workerCpuLast = [...workerCpuStart];
    const readWorkerCpu = () => workers.forEach((w, i) => (workerCpuLast[i] = procCpuMs(w.pid) ?? workerCpuLast[i]!));
    const workerRssMax = workerRssStart.map((b) => (Number.isNaN(b) ? 0 : b));
    const pgCpuTimer = pgCpu ? setInterval(() => void pgCpu.sample().catch(() => undefined), 1_000) : null;
    closers.push(() => pgCpuTimer && clearInterval(pgCpuTimer));
    const pressureStart = cpuPressureUs();
    const cpuStart = process.cpuUsage();
    const t0 = Date.now();
    const t1 = t0 + cycles * everyMs;
    const samples: CycleSample[] = [];
    let seenRows = lastIdBefore;
    const windowRows: Row[] = [];
    const pullExact = async () => {
      const rows = await rowsSince(seenRows);
      for (const r of rows) windowRows.push(r);
      if (rows.length > 0) seenRows = rows[rows.length - 1]!.id;
    };
    for (let c = 1; c <= cycles; c++) {
      sites.send({ type: 'publish', fraction: PUBLISH_FRACTION, overMs: everyMs });
      const cycleStart = t0 + (c - 1) * everyMs;
      await sleep(cycleStart + everyMs - Date.now());
      const before = windowRows.length;
      await pullExact();
      readWorkerCpu();
      workers.forEach((w, i) => (workerRssMax[i] = Math.max(workerRssMax[i]!, procRssBytes(w.pid) ?? 0)));
      const cycleRows = windowRows.slice(before);
      const cycleLags = hasLag
        ? cycleRows.map((r) => r.lagMs).filter((v): v is number => v !== null)
        : completedLags(fates, cycleStart, cycleStart + everyMs);
      const sample: CycleSample = {
        cycle: c,
        at: Date.now() - t0,
        ...memory(),
        crawls: cycleRows.length,
        lagP95Ms: quantile(cycleLags, 0.95),
        delivered: deliveries.filter((d) => d.at >= cycleStart && d.at < cycleStart + everyMs).length,
        crawlQueue: await queueCounts(monitor.queues.crawl),
        articleQueue: await queueCounts(monitor.queues.article),
        load1: loadavg()[0]!,
      };
      samples.push(sample);
      console.log(
        `  [${spec.name}] cycle ${String(c).padStart(2)}: ${String(sample.crawls).padStart(4)} crawls, lag p95 ${secs(sample.lagP95Ms).padStart(8)}, ` +
          `crawl delayed ${sample.crawlQueue.delayed} waiting ${sample.crawlQueue.waiting} active ${sample.crawlQueue.active}, ` +
          `article delayed ${sample.articleQueue.delayed} waiting ${sample.articleQueue.waiting}, ` +
          `delivered ${sample.delivered}, RSS ${sample.rssMb.toFixed(0)} MB (heap ${sample.heapMb.toFixed(0)}, external ${sample.externalMb.toFixed(0)}), load ${sample.load1.toFixed(2)}`,
      );
    }
    sites.send({ type: 'stop-publishing' });
    const cpu = process.cpuUsage(cpuStart);
    const pressureEnd = cpuPressureUs();
    readWorkerCpu();
    if (pgCpuTimer) clearInterval(pgCpuTimer);
    await pgCpu?.sample();
    const tEnd = Date.now();
    const workerCpuMs = workers.map((_, i) => workerCpuLast[i]! - workerCpuStart[i]!);
    const parentCpuMs = (cpu.user + cpu.system) / 1000;
    const totalCpuMs = parentCpuMs + workerCpuMs.reduce((a, b) => a + b, 0);
    await pullExact();
    const rows = windowRows.filter((r) => Date.parse(r.at) < tEnd);

    // Due ticks: every scheduler's slots (offset + k * every) that fell inside the window.
    const tickIds: Array<{ id: string; source: string; due: number }> = [];
    for (const s of schedulers) {
      const key = s.key ?? (s as { id?: string }).id ?? '';
      const every = Number(s.every ?? everyMs);
      const next = Number(s.next);
      if (!key.startsWith('source-') || !Number.isFinite(next)) continue;
      const offset = ((next % every) + every) % every;
      for (let due = Math.ceil((t0 - offset) / every) * every + offset; due < t1; due += every) {
        tickIds.push({ id: `repeat:${key}:${due}`, source: key.slice('source-'.length), due });
      }
    }
    // A tick still queued at the end counts as in flight only if it is younger than twice the longest fair wait
    // (one period, or one turn of every source of its host, articles going first); older, it is stuck, which is as
    // bad as never run.
    const fairWaitMs = 2 * Math.max(everyMs, perHost * hostIntervalMs);
    const tickCounts = { due: tickIds.length, crawled: 0, merged: 0, failed: 0, inFlight: 0, stuck: 0, neverRan: 0 };
    // Without lagMs in the store: due time (in the job id) to the completion event, for crawls completed in the window.
    const eventLags = completedLags(fates, t0, tEnd);
    const missing: typeof tickIds = [];
    for (const tick of tickIds) {
      const fate = fates.get(tick.id);
      if (!fate) {
        missing.push(tick);
        continue;
      }
      if (fate.outcome === 'merged') tickCounts.merged++;
      else if (fate.outcome === 'failed') tickCounts.failed++;
      else tickCounts.crawled++;
    }
    const inFlightAges: number[] = [];
    for (let i = 0; i < missing.length; i += 200) {
      const batch = missing.slice(i, i + 200);
      const states = await Promise.all(batch.map((t) => monitor.queues.crawl.getJobState(t.id)));
      for (let j = 0; j < batch.length; j++) {
        const state = states[j]!;
        if (state === 'completed') {
          const job = await monitor.queues.crawl.getJob(batch[j]!.id);
          if ((job?.returnvalue as { outcome?: string } | undefined)?.outcome === 'merged') tickCounts.merged++;
          else tickCounts.crawled++;
        } else if (state === 'failed') tickCounts.failed++;
        else if (state === 'unknown') tickCounts.neverRan++;
        else {
          const age = tEnd - batch[j]!.due;
          inFlightAges.push(age);
          if (age > fairWaitMs) tickCounts.stuck++;
          else tickCounts.inFlight++;
        }
      }
    }

    // Per source: crawls in the window and the largest gap (the time since the last crawl counts at the end).
    const allRows = await figures.all<{ sourceId: string; at: string }>('SELECT source_id AS "sourceId", at FROM crawls ORDER BY id');
    const bySource = new Map<string, number[]>();
    for (const r of allRows) {
      const list = bySource.get(r.sourceId) ?? [];
      list.push(Date.parse(r.at));
      bySource.set(r.sourceId, list);
    }
    let maxGapMs = 0;
    let maxGapSource = '';
    let neverCrawled = 0;
    for (const s of sources) {
      const times = (bySource.get(s.id) ?? []).filter((t) => t < tEnd).sort((a, b) => a - b);
      if (!times.some((t) => t >= t0)) neverCrawled++;
      const points = [...times, tEnd];
      for (let i = 1; i < points.length; i++) {
        if (points[i]! < t0) continue;
        const gap = points[i]! - points[i - 1]!;
        if (gap > maxGapMs) {
          maxGapMs = gap;
          maxGapSource = s.id;
        }
      }
    }

    const outcomes: Record<string, number> = {};
    for (const r of rows) outcomes[r.outcome] = (outcomes[r.outcome] ?? 0) + 1;
    const storeLags = rows.map((r) => r.lagMs).filter((v): v is number => v !== null);
    const lags = hasLag && storeLags.length > 0 ? storeLags : eventLags;
    const lagSource = hasLag && storeLags.length > 0 ? 'store lagMs' : 'due -> job completed (bench, no lagMs in the store)';
    const windowS = (tEnd - t0) / 1000;

    // Freshness: entries first seen in the window; the monitor keeps running a little so late ones can arrive.
    const firstSeenInWindow = (
      await figures.get<{ n: number }>('SELECT COUNT(*) AS n FROM entries WHERE baseline = 0 AND first_seen_at >= ? AND first_seen_at < ?', [
        new Date(t0).toISOString(),
        new Date(tEnd).toISOString(),
      ])
    ).n;
    const inWindow = () => deliveries.filter((d) => d.firstSeenAt >= t0 && d.firstSeenAt < tEnd);
    const graceEnd = Date.now() + 2 * everyMs;
    while (inWindow().length < firstSeenInWindow && Date.now() < graceEnd) await sleep(500);
    const fresh = inWindow();
    // Exactly once, over the whole run: an entry's article.new reaching the receiver twice is a duplicate alert
    // (several processes recording or delivering one entry each).
    const deliveredUrls = new Set(deliveries.map((d) => canonicalUrl(d.url)));
    const duplicateDeliveries = deliveries.length - deliveredUrls.size;
    const seenToDelivered = fresh.map((d) => d.at - d.firstSeenAt);
    const publishedToDelivered = fresh.map((d) => {
      const p = sites.published.get(canonicalUrl(d.url));
      return p === undefined ? null : d.at - p;
    }).filter((v): v is number => v !== null);
    const publishedInWindow = [...sites.published.values()].filter((at) => at >= t0 && at < tEnd).length;

    const rssEnd = process.memoryUsage().rss;
    const workerRssEnd = workers.map((w) => procRssBytes(w.pid) ?? NaN);
    // Any worker that died during the run is a failure of the run: its share of the jobs waited for the others.
    const workersDied = workers.filter((w) => w.exited !== null).map((w) => `${w.pid} (${w.exited})`);
    const redisEnd = redisUsedMemory(await redis.info('memory'));
    const prefixEnd = await prefixMemory(redis, prefix);
    const rssSamples = samples.map((s) => s.rssMb);

    // Verdicts.
    const third = Math.max(1, Math.floor(samples.length / 3));
    const head = samples.slice(0, third);
    const tail = samples.slice(-third);
    // The backlog is what waits: in the delayed set (waiting for a host or a retry) or ready to run.
    const delayedOf = (s: CycleSample) => s.crawlQueue.delayed + s.articleQueue.delayed + s.crawlQueue.waiting + s.articleQueue.waiting;
    const delayedHead = mean(head.map(delayedOf))!;
    const delayedTail = mean(tail.map(delayedOf))!;
    // "Does not grow": the last third of the cycles holds no more than the first third, give or take 10% of the sources.
    const delayedFlat = delayedTail <= delayedHead + 0.1 * sources.length;
    const lagHead = mean(head.map((s) => s.lagP95Ms).filter((v): v is number => v !== null));
    const lagTail = mean(tail.map((s) => s.lagP95Ms).filter((v): v is number => v !== null));
    const lagBounded = lagHead !== null && lagTail !== null && lagTail <= lagHead * 1.25 + 2_000;
    const rssFlat = rssSamples.length > 0 && rssSamples.at(-1)! - rssSamples[0]! <= Math.max(30, 0.1 * rssSamples[0]!);
    const lagP95 = quantile(lags, 0.95);
    const verdicts: Record<string, boolean> = {
      'due crawls never ran (or stuck past the fair wait) = 0': tickCounts.neverRan + tickCounts.stuck === 0,
      'every source crawled in the window': neverCrawled === 0,
      [`RSS < ${TARGET_RSS_MB} MB`]: Math.max(rssStart, rssEnd, ...rssSamples.map((v) => v * MB)) < TARGET_RSS_MB * MB,
      'RSS flat (last cycle - first cycle <= max(30 MB, 10%))': rssFlat,
      'delayed + waiting jobs do not grow (mean of last third <= first third + 10% of sources)': delayedFlat,
    };
    if (workers.length > 0) {
      verdicts['worker processes alive to the end'] = workersDied.length === 0;
      verdicts[`worker RSS < ${TARGET_RSS_MB} MB`] = workerRssMax.every((b) => b < TARGET_RSS_MB * MB);
    }
    if (spec.capacityRatio >= 1) verdicts[`p95 lag < ${TARGET_P95_LAG_MS / 1000} s`] = lagP95 !== null && lagP95 < TARGET_P95_LAG_MS;
    else verdicts['lag bounded (per-cycle p95, last third <= 1.25 x first third + 2 s)'] = lagBounded;

    const result = {
      scenario: spec.name,
      label: spec.label,
      sources: sources.length,
      hosts: options.hosts,
      every_ms: everyMs,
      host_interval_ms: hostIntervalMs,
      demand_vs_capacity: 1 / spec.capacityRatio,
      cycles,
      backend: databaseUrl ? 'postgres' : 'sqlite',
      database: options.database ? redactUrl(options.database) : null,
      processes: 1 + workers.length,
      worker_processes: workers.length,
      window_s: Number(windowS.toFixed(1)),
      baselines: { done: baselines, of: sources.length, ms: baselineMs, schedules_ms: schedulesInAt - startedAt },
      lag: { source: lagSource, n: lags.length, p50_ms: quantile(lags, 0.5), p95_ms: lagP95, max_ms: max(lags) },
      // A cross-check measured by the bench alone: due time to completion event (includes the fetch and the work after it).
      due_to_completed: { n: eventLags.length, p50_ms: quantile(eventLags, 0.5), p95_ms: quantile(eventLags, 0.95), max_ms: max(eventLags) },
      crawls: rows.length,
      crawls_per_s: Number((rows.length / windowS).toFixed(2)),
      cpu_ms_per_crawl: rows.length ? Number((totalCpuMs / rows.length).toFixed(2)) : null,
      cpu_ms_total: Math.round(totalCpuMs),
      cpu_ms_bench_process: Math.round(parentCpuMs),
      cpu_ms_workers: workerCpuMs.map((v) => Math.round(v)),
      clk_tck: CLK_TCK,
      // Not in cpu_ms_per_crawl: the database server's processes (as Redis's are not counted either).
      postgres_server_cpu: pgCpu ? { ms: Math.round(pgCpu.totalMs()), ms_per_crawl: rows.length ? Number((pgCpu.totalMs() / rows.length).toFixed(2)) : null, backends_seen: pgCpu.backends } : null,
      outcomes,
      ticks: tickCounts,
      in_flight_oldest_ms: max(inFlightAges),
      fair_wait_ms: fairWaitMs,
      never_crawled_sources: neverCrawled,
      max_gap_ms: maxGapMs,
      max_gap_source: maxGapSource,
      freshness: {
        published_in_window: publishedInWindow,
        first_seen_in_window: firstSeenInWindow,
        delivered: fresh.length,
        article_new_received_whole_run: deliveries.length,
        duplicate_deliveries: duplicateDeliveries,
        seen_to_delivered_p50_ms: quantile(seenToDelivered, 0.5),
        seen_to_delivered_p95_ms: quantile(seenToDelivered, 0.95),
        published_to_delivered_p50_ms: quantile(publishedToDelivered, 0.5),
        published_to_delivered_p95_ms: quantile(publishedToDelivered, 0.95),
      },
      rss_mb: { before_monitor: rssBeforeMonitor / MB, start: rssStart / MB, end: rssEnd / MB, cycle_min: Math.min(...rssSamples), cycle_max: Math.max(...rssSamples) },
      worker_rss_mb: workers.map((w, i) => ({ pid: w.pid, start: Number((workerRssStart[i]! / MB).toFixed(1)), end: Number((workerRssEnd[i]! / MB).toFixed(1)), max: Number((workerRssMax[i]! / MB).toFixed(1)) })),
      workers_died: workersDied,
      worker_logs: workers.map((w) => ({ file: w.log, lines: lineCount(w.log) })),
      redis: { used_memory_start: redisStart, used_memory_end: redisEnd, prefix_keys_start: prefixStart.keys, prefix_bytes_start: prefixStart.bytes, prefix_keys_end: prefixEnd.keys, prefix_bytes_end: prefixEnd.bytes },
      per_cycle: samples.map((s) => ({
        cycle: s.cycle,
        crawls: s.crawls,
        lag_p95_ms: s.lagP95Ms,
        crawl_delayed: s.crawlQueue.delayed,
        crawl_waiting: s.crawlQueue.waiting,
        crawl_active: s.crawlQueue.active,
        article_delayed: s.articleQueue.delayed,
        article_waiting: s.articleQueue.waiting,
        delivered: s.delivered,
        rss_mb: Number(s.rssMb.toFixed(1)),
        heap_mb: Number(s.heapMb.toFixed(1)),
        external_mb: Number(s.externalMb.toFixed(1)),
        load1: Number(s.load1.toFixed(2)),
      })),
      load_avg_end: loadavg().map((v) => Number(v.toFixed(2))),
      cpu_pressure_some_pct: pressureStart !== null && pressureEnd !== null ? Number((((pressureEnd - pressureStart) / 1000 / (tEnd - t0)) * 100).toFixed(1)) : null,
      verdicts,
    };
    return result;
  } finally {
    await closeAll();
    activeCleanup = null;
  }
}

type Result = Awaited<ReturnType<typeof runScenario>>;

function printResult(r: Result): void {
  const f = r.freshness;
  const line = (label: string, value: string) => console.log(`  ${label.padEnd(44)} ${value}`);
  console.log(`\nScenario ${r.scenario} (${r.label}): ${r.sources} sources on ${r.hosts} hosts, every ${secs(r.every_ms)}, hostInterval ${r.host_interval_ms} ms (crawl demand ${r.demand_vs_capacity}x host capacity), ${r.cycles} cycles`);
  console.log(`  store ${r.backend}${r.database ? ` (throwaway database on ${r.database})` : ''}, ${r.processes} process${r.processes === 1 ? '' : 'es'} (the bench's monitor${r.worker_processes > 0 ? ` + ${r.worker_processes} \`vigie worker\`` : ''})`);
  line('baselines', `${r.baselines.done}/${r.baselines.of} in ${secs(r.baselines.ms)} (schedules in place after ${secs(r.baselines.schedules_ms)})`);
  line(`schedule lag p50 / p95 / max`, `${secs(r.lag.p50_ms)} / ${secs(r.lag.p95_ms)} / ${secs(r.lag.max_ms)}  (${r.lag.n} crawls; ${r.lag.source})`);
  const d = r.due_to_completed;
  line('due -> crawl job completed p50 / p95 / max', `${secs(d.p50_ms)} / ${secs(d.p95_ms)} / ${secs(d.max_ms)}  (bench's own cross-check)`);
  line('crawls, crawls/s', `${r.crawls} in ${r.window_s} s, ${r.crawls_per_s}/s (${Object.entries(r.outcomes).map(([k, v]) => `${k} ${v}`).join(', ')})`);
  const cpuWho = r.worker_processes > 0 ? `bench process + ${r.worker_processes} worker${r.worker_processes === 1 ? "" : "s"}` : 'bench process';
  line(`CPU per crawl (${cpuWho}, all work)`, `${r.cpu_ms_per_crawl ?? 'n/a'} ms (${r.cpu_ms_total} ms in the window${r.worker_processes > 0 ? `: bench ${r.cpu_ms_bench_process}, workers ${r.cpu_ms_workers.join(' + ')}` : ''})`);
  if (r.postgres_server_cpu) {
    const p = r.postgres_server_cpu;
    line('Postgres server CPU per crawl (not above)', `${p.ms_per_crawl ?? 'n/a'} ms (${p.ms} ms; ${p.backends_seen} backends of this database, sampled each second: a lower bound)`);
  }
  line('first seen -> delivered p50 / p95', `${secs(f.seen_to_delivered_p50_ms)} / ${secs(f.seen_to_delivered_p95_ms)}  (${f.delivered} delivered of ${f.first_seen_in_window} entries first seen, ${f.published_in_window} published)`);
  line('article.new received, of them duplicates', `${f.article_new_received_whole_run}, ${f.duplicate_deliveries} (an entry's alert received more than once, whole run)`);
  line('published -> delivered p50 / p95', `${secs(f.published_to_delivered_p50_ms)} / ${secs(f.published_to_delivered_p95_ms)}`);
  line('RSS before monitor / start / end', `${r.rss_mb.before_monitor.toFixed(0)} / ${r.rss_mb.start.toFixed(0)} / ${r.rss_mb.end.toFixed(0)} MB (per cycle ${r.rss_mb.cycle_min.toFixed(0)}-${r.rss_mb.cycle_max.toFixed(0)} MB)`);
  for (const w of r.worker_rss_mb) line(`  worker ${w.pid} RSS start / end / max`, `${w.start.toFixed(0)} / ${w.end.toFixed(0)} / ${w.max.toFixed(0)} MB`);
  if (r.worker_processes > 0) {
    line('worker processes died during the run', r.workers_died.length === 0 ? 'none' : r.workers_died.join(', '));
    line('worker log lines (LOG_LEVEL=warn)', r.worker_logs.map((l) => `${l.lines} in ${l.file}`).join('; '));
  }
  line('Redis used_memory start / end (whole server)', `${mb(r.redis.used_memory_start)} / ${mb(r.redis.used_memory_end)}`);
  line('Redis, this run\'s keys start / end', `${r.redis.prefix_keys_start} keys ${mb(r.redis.prefix_bytes_start)} / ${r.redis.prefix_keys_end} keys ${mb(r.redis.prefix_bytes_end)}`);
  line('load average per cycle; CPU pressure', `${Math.min(...r.per_cycle.map((c) => c.load1)).toFixed(2)}-${Math.max(...r.per_cycle.map((c) => c.load1)).toFixed(2)}; some task waited for a CPU ${r.cpu_pressure_some_pct ?? 'n/a'}% of the window (PSI)`);
  const t = r.ticks;
  line('due ticks in window', `${t.due}: crawled ${t.crawled}, merged ${t.merged}, failed ${t.failed}, in flight ${t.inFlight}, stuck (queued, due > ${secs(r.fair_wait_ms)} ago) ${t.stuck}${r.in_flight_oldest_ms !== null ? ` (oldest due ${secs(r.in_flight_oldest_ms)} ago)` : ''}, never ran ${t.neverRan}`);
  line('sources never crawled in window', String(r.never_crawled_sources));
  line('largest gap between crawls of a source', `${secs(r.max_gap_ms)} (${r.max_gap_source})`);
  console.log('  per cycle:  crawls  lag p95   crawl delayed/waiting/active  article delayed/waiting  delivered  RSS MB  load');
  for (const c of r.per_cycle) {
    console.log(
      `  ${String(c.cycle).padStart(9)}  ${String(c.crawls).padStart(6)}  ${secs(c.lag_p95_ms).padStart(8)}   ${`${c.crawl_delayed}/${c.crawl_waiting}/${c.crawl_active}`.padStart(26)}  ${`${c.article_delayed}/${c.article_waiting}`.padStart(23)}  ${String(c.delivered).padStart(9)}  ${c.rss_mb.toFixed(0).padStart(6)}  ${c.load1.toFixed(2)}`,
    );
  }
  console.log('  targets:');
  for (const [k, ok] of Object.entries(r.verdicts)) console.log(`    ${ok ? 'PASS' : 'FAIL'}  ${k}`);
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const commit = await gitCommit();
  const store = options.database ? `postgres (${redactUrl(options.database)})` : 'sqlite';
  console.log(
    `bench:load  commit ${commit}  ${options.hosts} hosts x ${options.perHost} sources, every ${options.everyMs} ms, ${options.cycles} cycles, ` +
      `store ${store}, processes ${1 + options.workers} (monitor + ${options.workers} workers), load ${loadavg().map((v) => v.toFixed(2)).join(' ')}`,
  );
  const sites = await startSites(options.hosts, options.perHost);
  let stopping = false;
  const stop = () => {
    if (stopping) process.exit(130);
    stopping = true;
    console.error('interrupted: cleaning up (Ctrl-C again to quit at once)');
    // The scenario's own cleanup (workers stopped, queues and keys removed, database dropped), then the sites.
    // Worker processes still alive at exit are killed by the exit handler.
    void (activeCleanup?.() ?? Promise.resolve())
      .then(() => Promise.all([...pendingDatabases].map((d) => dropBenchDatabase(d.adminUrl, d.name).catch((err) => console.error(`drop ${d.name}: ${(err as Error).message}`)))))
      .then(() => sites.close())
      .then(() => process.exit(130));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const results: Result[] = [];
  try {
    for (const spec of options.scenarios) {
      // Interrupted, the scenario fails on what the cleanup closed under it: the cleanup finishes and exits.
      const r = await runScenario(spec, options, sites).catch((err: unknown) => (stopping ? new Promise<never>(() => {}) : Promise.reject(err)));
      results.push(r);
      printResult(r);
      console.log(`BENCH_LOAD_JSON ${JSON.stringify({ commit, ...r })}`);
    }
  } finally {
    await sites.close();
  }
  if (results.length === 2) {
    const [a, b] = results as [Result, Result];
    console.log(`\nB against A (same run): crawls/s ${(b.crawls_per_s / a.crawls_per_s).toFixed(2)}x, CPU/crawl ${b.cpu_ms_per_crawl && a.cpu_ms_per_crawl ? (b.cpu_ms_per_crawl / a.cpu_ms_per_crawl).toFixed(2) : 'n/a'}x`);
  }
}

async function gitCommit(): Promise<string> {
  // A copy made with `git archive` has no .git: BENCH_COMMIT names what it was made from.
  if (process.env.BENCH_COMMIT) return process.env.BENCH_COMMIT;
  const { execFileSync } = await import('node:child_process');
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no', '--', 'src'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return dirty ? `${head}+uncommitted-src` : head;
  } catch {
    return 'unknown';
  }
}

await main();
// Everything was closed; anything still holding the event loop is named, then the bench exits anyway.
setTimeout(() => {
  const left = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap' && r !== 'Timeout');
  if (left.length > 0) {
    const sockets = (process as unknown as { _getActiveHandles(): Array<{ remoteAddress?: string; remotePort?: number }> })._getActiveHandles()
      .filter((h) => h.remoteAddress)
      .map((h) => `${h.remoteAddress}:${h.remotePort}`);
    console.error(`still open after cleanup: ${left.join(', ')}${sockets.length ? ` (sockets to ${sockets.join(', ')})` : ''}`);
  }
  process.exit(process.exitCode ?? 0);
}, 3_000).unref();
