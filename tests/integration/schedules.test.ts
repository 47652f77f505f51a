import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, type ConfigInput } from '../../src/config/index.ts';
import { cronProblem } from '../../src/config/cron-problem.ts';
import { createRedisConnection, syncSchedules, VigieQueues } from '../../src/jobs/index.ts';
import { phaseOf } from '../../src/jobs/sync-schedules.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

let prefix: string;
const connections: Redis[] = [];
const queues: VigieQueues[] = [];

beforeEach(() => {
  prefix = `vigie-test-${randomBytes(6).toString('hex')}`;
});

afterEach(async () => {
  for (const q of queues.splice(0)) {
    for (const queue of q.all) await queue.obliterate({ force: true });
    await q.close();
  }
  const [first] = connections;
  if (first) {
    const keys = await first.keys(`${prefix}:*`);
    if (keys.length > 0) await first.del(...keys);
  }
  for (const c of connections.splice(0)) c.disconnect();
});

function connect(): Redis {
  const c = createRedisConnection(REDIS_URL);
  connections.push(c);
  return c;
}

const configOf = (sources: NonNullable<ConfigInput['sources']>) => loadConfig({ env: {}, object: { queuePrefix: prefix, storage: '/nonexistent/unused', sources } });

describe('syncSchedules', () => {
  it('upserts one scheduler per source, updates in place, and removes the ones that left the config', async () => {
    const first = configOf([
      { id: 'a', url: 'https://a.example.org/', every: '1m' },
      { id: 'b', url: 'https://b.example.org/', cron: '*/5 * * * *' },
    ]);
    const q = new VigieQueues(connect(), first);
    queues.push(q);
    const schedulers = async () => (await q.crawl.getJobSchedulers(0, -1)).sort((x, y) => x.key.localeCompare(y.key));
    const scheduledJobs = async (key: string) =>
      (await q.crawl.getJobs(['delayed', 'waiting', 'prioritized'])).filter((j) => j.repeatJobKey === key);

    // b (cron) is crawled at once for its baseline; a's first tick comes within its minute and takes it.
    expect(await syncSchedules(q, first)).toEqual({ upserted: ['a', 'b'], removed: [], crawledNow: ['b'] });
    let list = await schedulers();
    expect(list.map((s) => [s.key, s.every ?? null, s.pattern ?? null])).toEqual([
      ['source-a', 60_000, null],
      ['source-b', null, '*/5 * * * *'],
    ]);
    expect(list.map((s) => s.template?.data)).toEqual([{ sourceId: 'a' }, { sourceId: 'b' }]);
    expect(list[0]!.template?.opts?.attempts).toBe(first.crawl.attempts);
    expect(await scheduledJobs('source-a')).toHaveLength(1);

    // Again, with a's interval changed: the same two schedulers, a's interval updated, no duplicate jobs.
    const second = configOf([
      { id: 'a', url: 'https://a.example.org/', every: '2m' },
      { id: 'b', url: 'https://b.example.org/', cron: '*/5 * * * *' },
    ]);
    expect(await syncSchedules(q, second)).toEqual({ upserted: ['a', 'b'], removed: [], crawledNow: [] });
    list = await schedulers();
    expect(list.map((s) => [s.key, s.every ?? null, s.pattern ?? null])).toEqual([
      ['source-a', 120_000, null],
      ['source-b', null, '*/5 * * * *'],
    ]);
    expect(await scheduledJobs('source-a')).toHaveLength(1);
    expect(await scheduledJobs('source-b')).toHaveLength(1);

    // b leaves the config; c arrives with a cron pattern.
    const third = configOf([
      { id: 'a', url: 'https://a.example.org/', every: '2m' },
      { id: 'c', url: 'https://c.example.org/', cron: '0 * * * *' },
    ]);
    expect(await syncSchedules(q, third)).toEqual({ upserted: ['a', 'c'], removed: ['b'], crawledNow: ['c'] });
    expect((await schedulers()).map((s) => s.key)).toEqual(['source-a', 'source-c']);
    expect(await scheduledJobs('source-b')).toHaveLength(0);

    const emptied = await syncSchedules(q, configOf([]));
    expect([emptied.upserted, [...emptied.removed].sort()]).toEqual([[], ['a', 'c']]);
    expect(await schedulers()).toEqual([]);
  });

  it('a new source gets one crawl now, so its baseline does not wait for the first tick; a known one only when asked', async () => {
    const config = configOf([
      { id: 'hourly', url: 'https://h.example.org/', cron: '0 0 * * *' },
      { id: 'daily', url: 'https://d.example.org/', every: '1d' },
    ]);
    const q = new VigieQueues(connect(), config);
    queues.push(q);
    await syncSchedules(q, config);
    const startJobs = async (id: string) => (await q.crawl.getJobs(['waiting'])).filter((j) => j.id?.startsWith(`crawl-${id}-start-`));
    expect(await startJobs('hourly')).toHaveLength(1);
    expect((await startJobs('hourly'))[0]!.data).toEqual({ sourceId: 'hourly' });
    expect(await startJobs('daily')).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 5)); // start job ids carry the time in ms
    expect((await syncSchedules(q, config)).crawledNow).toEqual([]);
    expect((await syncSchedules(q, config, { crawlNow: new Set(['daily']) })).crawledNow).toEqual(['daily']);
    expect(await startJobs('daily')).toHaveLength(2);
    expect(await startJobs('hourly')).toHaveLength(1);
  });

  it('spreads sources of one period over the period, each at a phase of its own that every process agrees on', async () => {
    const sources = Array.from({ length: 40 }, (_, i) => ({ id: `s${i}`, url: `https://one.example.org/${i}`, every: '20s' }));
    const config = configOf(sources);
    const q = new VigieQueues(connect(), config);
    queues.push(q);
    // Their first ticks, spread over 20 s, take the baselines: none is crawled at once as well.
    expect((await syncSchedules(q, config)).crawledNow).toEqual([]);
    const due = (await q.crawl.getJobs(['delayed'])).filter((j) => j.repeatJobKey).map((j) => (j.timestamp + (j.opts.delay ?? 0)) % 20_000);
    expect(due).toHaveLength(40);
    expect(new Set(due).size).toBe(40);
    // Each phase is the hash of the source id, not the moment the scheduler was created.
    expect(due.sort((a, b) => a - b)).toEqual(sources.map((s) => phaseOf(s.id, 20_000)).sort((a, b) => a - b));
    // Spread over the period: every quarter of it has some.
    const quarters = new Set(due.map((d) => Math.floor(d / 5_000)));
    expect(quarters.size).toBe(4);
  });

  it('the config accepts exactly the cron patterns the scheduler accepts', async () => {
    const q = new VigieQueues(connect(), configOf([]));
    queues.push(q);
    const patterns = [
      '*/5 * * * *', '0 9 * * mon-fri', '0 0 L * *', '0 0 * * 5#2', '0 0 * * 5L', '30 */2 * * * *', '0 0 ? * *', '0 0 * JAN,feb *',
      '1-5/2 * * * 0,6', 'H * * * *', '61 * * * *', '* * * * 8', '*/0 * * * *', '0 0 0 * *', '5-1 * * * *', 'bad bad bad bad bad',
      '0 0 15W * *', '0 0 * 13 *', '0 24 * * *', '1/2/3 * * * *', '0 0 * * mon-sun', '60 * * * * *', '* * * * 0,7', '1,1-3 * * * *',
      '*/2,1 * * * *', '*/2,2 * * * *', '* * * * 0-7', '* * * 1,jan *', '5/15,7 * * * *', '5/15,20 * * * *', '0 0 * * 1-3,5L', '*,1 * * * *',
    ];
    const verdicts = [];
    for (const [i, pattern] of patterns.entries()) {
      const bullmq = await q.crawl.upsertJobScheduler(`probe-${i}`, { pattern, tz: 'UTC' }, { name: 'crawl', data: {} }).then(
        () => true,
        () => false,
      );
      verdicts.push([pattern, bullmq, cronProblem(pattern) === null]);
    }
    expect(verdicts.filter(([, bullmq, ours]) => bullmq !== ours)).toEqual([]);
    expect(verdicts.filter(([, bullmq]) => bullmq).length).toBeGreaterThan(8);
  });
});
