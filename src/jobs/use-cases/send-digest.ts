import { CronExpressionParser } from 'cron-parser';
import { digestEvent } from '../../alerts/digest-event.ts';
import { channelTarget } from '../../alerts/channels/channel-target.ts';
import { watchlistMatchKey, type WatchlistEventBody } from '../../alerts/watchlist-event.ts';
import type { DeliveryRow, WatchlistMatchRow } from '../../store/index.ts';
import { digestSchedules } from '../digest-schedules.ts';
import type { UseCaseDeps } from './deps.ts';

export interface SendDigestResult {
  /** The deliveries to enqueue: the new digest's, or the pending ones of a digest a crash interrupted. */
  deliveries: DeliveryRow[];
  /** Stories taken, over all watchlists on the schedule (0 on a resumed digest: it took them before). */
  stories: number;
  /** Channels sent a message. */
  channels: string[];
}

/** The key of a digest's event for one channel: one message per channel, schedule and scheduled time, ever. */
export const digestEventKey = (scheduleKey: string, channelId: string, dueAt: string): string => `watchlist.digest:${scheduleKey}:${channelId}:${dueAt}`;

/**
 * The digest of one schedule (cron, tz) at its scheduled time `dueMs`: each watchlist on the schedule takes its
 * matches not yet in a digest, and each channel gets one message with the groups of the watchlists that send to it.
 * All in one transaction, keyed on the scheduled time: a digest retried after a crash finds what it took and
 * re-enqueues those same messages, never a second selection. A channel whose watchlists matched nothing gets
 * nothing, unless one of them says `sendEmpty`.
 */
export async function sendDigest(deps: UseCaseDeps, schedule: { cron: string; tz: string }, dueMs: number): Promise<SendDigestResult> {
  const { config, log } = deps;
  const found = digestSchedules(config).find((s) => s.cron === schedule.cron && s.tz === schedule.tz);
  if (!found) {
    log.info({ cron: schedule.cron, tz: schedule.tz }, `digest "${schedule.cron}" (${schedule.tz}): no watchlist has this schedule any more; nothing sent`);
    return { deliveries: [], stories: 0, channels: [] };
  }
  const dueAt = new Date(dueMs).toISOString();
  const firstFrom = previousTick(schedule, dueMs);
  const now = deps.now().toISOString();
  const channelIds = [...new Set(found.watchlists.flatMap((w) => w.digest!.notify))];
  const keyOf = (channelId: string) => digestEventKey(found.key, channelId, dueAt);

  const result = await deps.store.transaction(async (tx) => {
    const taken = new Map<string, { from: string; matches: WatchlistMatchRow[] }>();
    for (const w of found.watchlists) {
      const started = await tx.startDigest({ watchlistId: w.id, dueAt, firstFrom }, now);
      if (started) taken.set(w.id, started);
    }
    if (taken.size === 0) {
      // Started before, by a run that crashed or by another process: send what it took, once.
      const pending: DeliveryRow[] = [];
      for (const id of channelIds) pending.push(...(await tx.pendingDeliveriesForKey(keyOf(id))));
      return { deliveries: pending, stories: 0, channels: [], resumed: true };
    }
    const matchKeys = [...taken].flatMap(([id, t]) => t.matches.map((m) => watchlistMatchKey(id, m.storyId)));
    const bodies = await tx.eventPayloads(matchKeys);
    const deliveries: DeliveryRow[] = [];
    const sentTo: string[] = [];
    for (const channelId of channelIds) {
      const channel = config.channels.find((c) => c.id === channelId);
      if (!channel) continue;
      const watchlists = found.watchlists.filter((w) => w.digest!.notify.includes(channelId) && taken.has(w.id));
      const groups = watchlists.map((w) => {
        const t = taken.get(w.id)!;
        const matches = t.matches.map((m) => bodies.get(watchlistMatchKey(w.id, m.storyId))).filter((b): b is WatchlistEventBody => b !== undefined);
        return { watchlistId: w.id, from: t.from, matches };
      });
      const count = groups.reduce((n, g) => n + g.matches.length, 0);
      if (count === 0 && !watchlists.some((w) => w.digest!.sendEmpty)) continue;
      const payload = digestEvent({ schedule, due: dueAt, now, groups });
      const created = await tx.createEvent({ type: 'watchlist.digest', dedupeKey: keyOf(channelId), sourceId: null, storyId: null, payload, webhooks: [channelTarget(channel)] }, now);
      if (created) deliveries.push(...created.deliveries);
      sentTo.push(channelId);
    }
    const stories = [...taken.values()].reduce((n, t) => n + t.matches.length, 0);
    return { deliveries, stories, channels: sentTo, resumed: false };
  });

  const what = `digest "${schedule.cron}" (${schedule.tz}) due ${dueAt}`;
  if (result.resumed) log.info({ due: dueAt, deliveries: result.deliveries.length }, `${what}: already taken by an earlier run; ${result.deliveries.length} message(s) still to send`);
  else if (result.channels.length === 0) log.info({ due: dueAt, watchlists: found.watchlists.map((w) => w.id) }, `${what}: no new match since the last digest; nothing sent`);
  else log.info({ due: dueAt, stories: result.stories, channels: result.channels }, `${what}: ${result.stories} stor${result.stories === 1 ? 'y' : 'ies'} to ${result.channels.join(', ')}`);
  return { deliveries: result.deliveries, stories: result.stories, channels: result.channels };
}

/** The schedule's tick before `dueMs`: where a watchlist's first digest starts. */
function previousTick(schedule: { cron: string; tz: string }, dueMs: number): string {
  try {
    return CronExpressionParser.parse(schedule.cron, { tz: schedule.tz, currentDate: new Date(dueMs) }).prev().toDate().toISOString();
  } catch {
    // A pattern the config accepted always has a previous tick; a day back is a safe floor regardless.
    return new Date(dueMs - 86_400_000).toISOString();
  }
}
