import { createHash } from 'node:crypto';
import type { Config, WatchlistConfig } from '../config/index.ts';
import { lostSchedulers, removeSchedulers, schedulerKeys } from './job-schedulers.ts';
import type { VigieQueues } from './vigie-queues.ts';

const PREFIX = 'digest-';
export const DIGEST_JOB = 'digest';

export interface DigestSchedule {
  /** The job scheduler's key: one per distinct (cron, tz), so watchlists on one schedule send one message per channel. */
  key: string;
  cron: string;
  tz: string;
  /** The watchlists with a digest on this schedule, in config order. */
  watchlists: WatchlistConfig[];
}

/** The configured digests, one entry per schedule. */
export function digestSchedules(config: Config): DigestSchedule[] {
  const byKey = new Map<string, DigestSchedule>();
  for (const w of config.watchlists) {
    if (!w.digest) continue;
    const key = digestScheduleKey(w.digest.cron, w.digest.tz);
    let s = byKey.get(key);
    if (!s) byKey.set(key, (s = { key, cron: w.digest.cron, tz: w.digest.tz, watchlists: [] }));
    s.watchlists.push(w);
  }
  return [...byKey.values()];
}

export function digestScheduleKey(cron: string, tz: string): string {
  return PREFIX + createHash('sha256').update(`${cron.trim().replace(/\s+/g, ' ')}\n${tz}`).digest('hex').slice(0, 16);
}

/**
 * One job scheduler on the delivery queue per digest schedule (cron and time zone), upserted in place; schedulers
 * of schedules no longer configured are removed. The job carries its schedule; the watchlists are looked up in the
 * config when it runs, so a watchlist added to an existing schedule needs no new scheduler.
 */
export async function syncDigestSchedules(queues: VigieQueues, config: Config): Promise<{ upserted: string[]; removed: string[] }> {
  const schedules = digestSchedules(config);
  const wanted = new Set(schedules.map((s) => s.key));
  for (const s of schedules) {
    try {
      await queues.delivery.upsertJobScheduler(s.key, { pattern: s.cron, tz: s.tz }, { name: DIGEST_JOB, data: { cron: s.cron, tz: s.tz }, opts: queues.digestJobOptions() });
    } catch (err) {
      throw new Error(`watchlists ${s.watchlists.map((w) => `"${w.id}"`).join(', ')}: cannot schedule the digest "${s.cron}" (${s.tz}): ${(err as Error).message}`);
    }
  }
  const removed = await removeSchedulers(queues.delivery, await schedulerKeys(queues.delivery), PREFIX, wanted);
  return { upserted: schedules.map((s) => s.key), removed };
}

/** Digest schedules Redis no longer holds (see lostSchedulers). */
export async function missingDigestSchedules(queues: VigieQueues, config: Config): Promise<string[]> {
  const keys = digestSchedules(config).map((s) => s.key);
  const lost = await lostSchedulers(queues.connection, queues.delivery, keys);
  return keys.filter((_, i) => lost[i]);
}
