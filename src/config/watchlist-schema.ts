import { z } from 'zod';
import { configId } from './config-id.ts';
import { cronProblem } from './cron-problem.ts';

/**
 * A non-empty term. Whether it can match (not only punctuation, no empty alias in `a | | b`) is judged by the
 * matcher, compileWatchlists, which the config layer may not import.
 */
const term = z
  .string({ error: 'expected a term, a string like "SAMP/T | Mamba"' })
  .refine((t) => t.trim() !== '', 'expected a non-empty term');

const TZ_EXPECTED = 'expected an IANA time zone like "Europe/Paris" or "UTC"';

/** An IANA zone name as Intl knows it. Offsets ("+01:00") are refused: they ignore daylight saving time. */
function timeZoneOk(tz: string): boolean {
  if (!/^[A-Za-z]/.test(tz)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const channelIds = z.array(configId, { error: 'expected a list of channel ids like [air-desk]' });

const digestSchema = z
  .object(
    {
      cron: z
        .string({ error: 'expected a cron pattern like "0 7 * * 1-5"' })
        .superRefine((pattern, ctx) => {
          const problem = cronProblem(pattern);
          if (problem) ctx.addIssue({ code: 'custom', message: problem });
        }),
      // UTC by default, as sources' cron patterns; a morning digest wants its zone said.
      tz: z
        .string({ error: TZ_EXPECTED })
        .refine(timeZoneOk, { error: (issue) => `${TZ_EXPECTED}, got "${String(issue.input)}"` })
        .default('UTC'),
      notify: channelIds.min(1, 'expected at least one channel id'),
      /** A digest with no new match is not sent, unless this is true. */
      sendEmpty: z.boolean({ error: 'expected true or false' }).default(false),
    },
    { error: 'expected { cron, tz, notify: [channel ids], sendEmpty }' },
  )
  .strict();

/**
 * Terms followed across sources. `notify` channels get each matching story at once; `digest` sends the matches
 * since the last one on a schedule. A watchlist with neither is allowed: its matches show on the dashboard and in
 * its feed only.
 */
export const watchlistSchema = z
  .object({
    id: configId,
    terms: z.array(term, { error: 'expected a list of terms like ["SAMP/T | Mamba", "Patriot"]' }).min(1, 'expected at least one term'),
    exclude: z.array(term, { error: 'expected a list of terms like ["jeu vidéo"]' }).default([]),
    /** Absent: every source. */
    sources: z
      .array(configId, { error: 'expected a list of source ids like [european-security]' })
      .min(1, 'expected at least one source id; leave sources out to watch every source')
      .nullable()
      .default(null),
    notify: channelIds.default([]),
    digest: digestSchema.nullable().default(null),
  })
  .strict();

type Ctx = z.core.$RefinementCtx;

/** Reports each id given twice in `items`, on `<list>[i].id`. */
export function checkUniqueIds(items: readonly { id: string }[], list: string, ctx: Ctx): void {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const first = seen.get(item.id);
    if (first !== undefined) ctx.addIssue({ code: 'custom', path: [list, i, 'id'], message: `duplicate id "${item.id}" (also ${list}[${first}])` });
    else seen.set(item.id, i);
  });
}

/** Reports watchlists' references to sources and channels that are not configured, and channels named twice. */
export function checkWatchlistRefs(
  c: { sources: readonly { id: string }[]; channels: readonly { id: string }[]; watchlists: readonly z.output<typeof watchlistSchema>[] },
  ctx: Ctx,
): void {
  const sources = new Set(c.sources.map((s) => s.id));
  const channels = new Set(c.channels.map((ch) => ch.id));
  const channelRefs = (ids: readonly string[], path: (string | number)[]) => {
    const seen = new Map<string, number>();
    ids.forEach((id, k) => {
      const first = seen.get(id);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: [...path, k], message: `channel "${id}" listed twice (also ${path.at(-1)}[${first}])` });
      else if (!channels.has(id)) ctx.addIssue({ code: 'custom', path: [...path, k], message: `no channel has the id "${id}"` });
      seen.set(id, seen.get(id) ?? k);
    });
  };
  c.watchlists.forEach((w, i) => {
    w.sources?.forEach((id, k) => {
      if (!sources.has(id)) ctx.addIssue({ code: 'custom', path: ['watchlists', i, 'sources', k], message: `no source has the id "${id}"` });
    });
    channelRefs(w.notify, ['watchlists', i, 'notify']);
    if (w.digest) channelRefs(w.digest.notify, ['watchlists', i, 'digest', 'notify']);
  });
}
