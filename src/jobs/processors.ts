import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { z } from 'zod';
import { hostOf } from '../config/index.ts';
import { hostSpacing } from '../crawlers/index.ts';
import type { SourceTransition } from '../store/index.ts';
import { MAX_RETRY_AFTER_MS } from '../config/retry-after.ts';
import { applyFate } from './fate-table.ts';
import { HostBusyError } from './host-busy-error.ts';
import type { HostGate } from './host-gate.ts';
import type { LagHistogram } from './lag-histogram.ts';
import type { VigieMetrics } from './vigie-metrics.ts';
import { takeHostTurn } from './take-host-turn.ts';
import { checkSource } from './use-cases/check-source.ts';
import { deliverWebhook } from './use-cases/deliver-webhook.ts';
import type { UseCaseDeps } from './use-cases/deps.ts';
import { readArticle } from './use-cases/read-article.ts';
import { sendDigest } from './use-cases/send-digest.ts';
import { DIGEST_JOB } from './digest-schedules.ts';
import { reportSourceHealth } from './use-cases/report-source-health.ts';
import { TemplateWarmUps, type PageTurn } from './use-cases/warm-up-template.ts';
import { WARM_UP_JOB, type VigieQueues } from './vigie-queues.ts';

export interface ProcessorDeps extends UseCaseDeps {
  queues: VigieQueues;
  gate: HostGate | null;
  /** Where schedule lag is counted for /metrics; null to count nowhere. */
  lag?: LagHistogram | null;
  /** Where this process times and counts its crawls, articles and deliveries for /metrics. Default: nowhere. */
  metrics?: VigieMetrics | null;
  /** This process's template warm-ups (one per source at a time). Default: one per processor set. */
  warmUps?: TemplateWarmUps;
}

// askedAt / dueAt are written by takeHostTurn while a job waits for its host.
const turnData = { askedAt: z.number().optional(), dueAt: z.number().optional() };
const crawlData = z.object({ sourceId: z.string().min(1), ...turnData });
const articleData = z.object({ entryId: z.number().int().positive(), ...turnData });
const deliveryData = z.object({ deliveryId: z.number().int().positive() });
const digestData = z.object({ cron: z.string().min(1), tz: z.string().min(1) });
const warmUpData = z.object({ sourceId: z.string().min(1), ...turnData });

function parse<T>(schema: z.ZodType<T>, job: Job): T {
  const result = schema.safeParse(job.data);
  if (!result.success) throw new UnrecoverableError(`job ${job.id} of ${job.queueName} has invalid data: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return result.data;
}

/** The spacing of `url`'s host, with one warning per host and process when robots.txt asks for more than the config. */
function spacingFor(deps: ProcessorDeps, warned: Set<string>) {
  return async (url: string): Promise<number> => {
    const spacing = await hostSpacing(deps.config, deps.robots, url);
    const host = hostOf(url);
    if (spacing.crawlDelayMs !== null && !warned.has(host)) {
      warned.add(host);
      deps.log.warn(
        { host, crawlDelayMs: spacing.crawlDelayMs, configuredMs: spacing.configuredMs },
        `robots.txt of ${host} asks for a Crawl-delay of ${spacing.crawlDelayMs / 1000} s: its requests are spaced by that instead of ${spacing.configuredMs / 1000} s`,
      );
    }
    return spacing.intervalMs;
  };
}

/**
 * The host slot a job was granted: reported sent when its request leaves (a cold crawler can take a second), so
 * the interval counts from the request, and let go when the job is done with the host, request or not.
 */
function holdOf(deps: ProcessorDeps, owner: string, intervalMs: number) {
  const gate = deps.gate;
  if (!gate || intervalMs <= 0) return { onRequestSent: undefined, done: async () => undefined };
  let sentCall: Promise<void> | undefined;
  const warn = (err: Error) => deps.log.warn({ owner, err: err.message }, 'could not update the host gate');
  return {
    onRequestSent: (url: string) => {
      sentCall ??= gate.sent(url, owner, intervalMs).catch(warn);
    },
    done: async (url: string) => {
      await sentCall;
      await gate.release(url, owner).catch(warn);
    },
  };
}

export function crawlProcessor(deps: ProcessorDeps) {
  const spacing = spacingFor(deps, new Set());
  const warmUps = deps.warmUps ?? new TemplateWarmUps(deps);
  return async (job: Job, token?: string) => {
    const { sourceId } = parse(crawlData, job);
    const source = deps.config.sources.find((s) => s.id === sourceId);
    if (!source) throw new UnrecoverableError(`source "${sourceId}" is not in the config (${deps.config.origin})`);
    const intervalMs = await spacing(source.url);
    const turn = await takeHostTurn(deps.gate, job, token, { url: source.url, ticket: `crawl:${sourceId}`, lane: 'crawl', intervalMs });
    if (turn.kind === 'merged') {
      // At most one crawl of a source waits: an overloaded source is crawled less often, not queued up.
      deps.log.debug({ source: sourceId, job: job.id, waiting: turn.holder }, 'a crawl of this source is already waiting; this tick joins it');
      return { outcome: 'merged' as const };
    }
    // Lag is the schedule's: a retry's backoff is the retry's, not the host's.
    const lagMs = job.attemptsMade === 0 && turn.kind === 'go' ? Math.max(0, Date.now() - turn.dueAt) : null;
    // From here the job holds the host: whatever happens, finally lets it go.
    const hold = holdOf(deps, String(job.id), intervalMs);
    try {
      if (lagMs !== null) await deps.lag?.observe(sourceId, lagMs);
      const crawl = () => checkSource(deps, source, { lagMs, onRequestSent: hold.onRequestSent });
      const result = await (deps.metrics?.timeCrawl(sourceId, crawl) ?? crawl());
      await deps.queues.enqueueArticles([...result.orphans, ...result.added]);
      // A new source learns its template from listed articles now, so that its first alert is read clean.
      if (result.outcome === 'baseline' && (await warmUps.wanted(sourceId))) await deps.queues.enqueueWarmUp(sourceId);
      await deps.queues.enqueueDeliveries(await reportSourceHealth(deps, source, result.transition, null));
      return { outcome: result.outcome, found: result.found, added: result.added.length };
    } catch (err) {
      const transition = (err as { transition?: SourceTransition }).transition ?? null;
      await deps.queues.enqueueDeliveries(await reportSourceHealth(deps, source, transition, (err as Error).message));
      return await applyFate(err, job, token, deps.gate, source.url);
    } finally {
      await hold.done(source.url);
    }
  };
}

/** A warm-up request's host turn: null when the job may not go (merged with another warm-up, or past its deadline). */
/**
 * How long the safety net's warm-up (inside an article job, which cannot leave its worker slot then) waits for one
 * read: about two of its host's slots. On a host with a queue, it gives up and the article is read without a learned
 * template: at twice a host's capacity, warm-ups that slept their turns in place held every article worker, and
 * deliveries stopped (bench:load scenario B, c2eb04a).
 */
const SAFETY_NET_WAIT = (intervalMs: number): number => 2 * intervalMs + 200;

function warmUpTurn(deps: ProcessorDeps, spacing: (url: string) => Promise<number>, job: Job, token: string | undefined, ticket: string, deadlineAt?: number) {
  return async (url: string): Promise<PageTurn | null> => {
    const intervalMs = await spacing(url);
    // Without a token the job cannot be delayed: it would sleep its whole wait in its worker slot.
    const until = token ? deadlineAt : Math.min(deadlineAt ?? Infinity, Date.now() + SAFETY_NET_WAIT(intervalMs));
    const turn = await takeHostTurn(deps.gate, job, token, { url, ticket, lane: 'article', intervalMs, deadlineAt: until });
    if (turn.kind !== 'go') return null;
    const hold = holdOf(deps, String(job.id), intervalMs);
    return { onRequestSent: hold.onRequestSent, done: () => hold.done(url) };
  };
}

/** A host that said "later" to a warm-up is closed for every worker, as it is for articles. */
function slowDown(deps: ProcessorDeps) {
  return async (url: string, err: Error) =>
    deps.gate?.backoff(url, Math.min((err as { retryAfterMs?: number }).retryAfterMs ?? 60_000, MAX_RETRY_AFTER_MS));
}

/**
 * Article jobs, and the warm-up jobs that share their lane: a warm-up reads a new source's listed articles to learn
 * its template, behind new entries' articles (it counts as having asked later), and never alerts.
 */
export function articleProcessor(deps: ProcessorDeps) {
  const spacing = spacingFor(deps, new Set());
  const warmUps = deps.warmUps ?? new TemplateWarmUps(deps);
  const warmUp = async (job: Job, token?: string) => {
    const { sourceId } = parse(warmUpData, job);
    const source = deps.config.sources.find((s) => s.id === sourceId);
    if (!source) return { outcome: 'no-source' as const };
    try {
      // Its host turns may move the job to delayed (DelayedError): it resumes where it stopped, in this process.
      const r = await warmUps.run(source, { turn: warmUpTurn(deps, spacing, job, token, `warm-up:${sourceId}`), onSlowDown: slowDown(deps) });
      return { outcome: 'done' as const, pages: r.pages, read: r.read, failed: r.failed.length };
    } catch (err) {
      if (err instanceof DelayedError) throw err;
      // A warm-up is a nicety: it is not retried, and the first new article warms up if it must.
      deps.log.warn({ source: sourceId, err: (err as Error).message }, `template warm-up of ${sourceId} failed: ${(err as Error).message}`);
      return { outcome: 'failed' as const };
    }
  };
  return async (job: Job, token?: string) => {
    if (job.name === WARM_UP_JOB) return warmUp(job, token);
    const { entryId } = parse(articleData, job);
    const entry = await deps.store.getEntry(entryId);
    // Past this, the alert goes out without the text rather than wait on a host that keeps saying "later".
    const deadlineAt = entry ? Date.parse(entry.firstSeenAt) + deps.config.crawl.articleDeadline : Infinity;
    let unreadable: Error | undefined;
    let hold = holdOf(deps, String(job.id), 0);
    const source = entry && deps.config.sources.find((s) => s.id === entry.sourceId);
    // On a host with a line the safety net is skipped: its reads would come out of that line's time, at alert time.
    // The article is then read with the generic layer, and the template still learns from it.
    if (entry && source && (await warmUps.needed(source.id)) && !((await deps.gate?.waiting(entry.url)) ?? 0)) {
      // The safety net: the source's template is not learned (no warm-up ran, or it failed), so this article's
      // first reads listed pages, in its own place in line. It sleeps for those turns rather than leave: a delayed
      // job would come back to a warm-up another job may have finished meanwhile.
      job.data = { ...job.data, askedAt: (job.data as { askedAt?: number }).askedAt ?? Date.now() };
      try {
        await warmUps.run(source, { turn: warmUpTurn(deps, spacing, job, undefined, `article:${job.id}`, deadlineAt), onSlowDown: slowDown(deps) });
      } catch (err) {
        // The article goes on without a learned template rather than fail for a nicety.
        deps.log.warn({ source: source.id, entryId, err: (err as Error).message }, `template warm-up of ${source.id} failed: ${(err as Error).message}`);
      }
    }
    if (entry) {
      const intervalMs = await spacing(entry.url);
      const turn = await takeHostTurn(deps.gate, job, token, { url: entry.url, ticket: `article:${job.id}`, lane: 'article', intervalMs, deadlineAt });
      if (turn.kind === 'deadline') unreadable = new HostBusyError(entry.url, turn.waitMs);
      else hold = holdOf(deps, String(job.id), intervalMs);
    }
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1) || Date.now() >= deadlineAt;
    try {
      const result = await readArticle(deps, entryId, lastAttempt, { unreadable, onRequestSent: hold.onRequestSent });
      if (result && entry) deps.metrics?.countArticle(entry.sourceId, result.read);
      if (result) await deps.queues.enqueueDeliveries(result.deliveries);
      return result && { storyId: result.storyId, isNewStory: result.isNewStory, deliveries: result.deliveries.length };
    } catch (err) {
      return await applyFate(err, job, token, deps.gate, entry?.url ?? null, deadlineAt);
    } finally {
      if (entry) await hold.done(entry.url);
    }
  };
}

export function deliveryProcessor(deps: ProcessorDeps) {
  return async (job: Job) => {
    if (job.name === DIGEST_JOB) {
      const schedule = parse(digestData, job);
      // A scheduler's job carries its scheduled time; the digest is keyed on it, so a retry sends the same one.
      const dueMs = (job.opts as { prevMillis?: number }).prevMillis ?? job.timestamp + (job.opts.delay ?? 0);
      const result = await sendDigest(deps, schedule, dueMs);
      await deps.queues.enqueueDeliveries(result.deliveries);
      return { stories: result.stories, deliveries: result.deliveries.length };
    }
    const { deliveryId } = parse(deliveryData, job);
    const attempt = job.attemptsMade + 1;
    if (!deps.metrics) return { outcome: await deliverWebhook(deps, deliveryId, attempt) };
    // Read once, for the metrics' labels and for the attempt itself.
    const work = await deps.store.getDeliveryWork(deliveryId);
    return { outcome: await deps.metrics.timeDelivery(work, () => deliverWebhook(deps, deliveryId, attempt, work)) };
  };
}
