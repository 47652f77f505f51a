import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { z } from 'zod';
import type { SourceTransition } from '../store/index.ts';
import { applyFate } from './fate-table.ts';
import type { HostGate } from './host-gate.ts';
import { checkSource } from './use-cases/check-source.ts';
import { deliverWebhook } from './use-cases/deliver-webhook.ts';
import type { UseCaseDeps } from './use-cases/deps.ts';
import { readArticle } from './use-cases/read-article.ts';
import { reportSourceHealth } from './use-cases/report-source-health.ts';
import type { VigieQueues } from './vigie-queues.ts';

/** Waits shorter than this are slept in place; longer ones give the worker slot back by delaying the job. */
const SLEEP_LIMIT_MS = 3_000;

export interface ProcessorDeps extends UseCaseDeps {
  queues: VigieQueues;
  gate: HostGate | null;
}

const crawlData = z.object({ sourceId: z.string().min(1) });
const articleData = z.object({ entryId: z.number().int().positive() });
const deliveryData = z.object({ deliveryId: z.number().int().positive() });

function parse<T>(schema: z.ZodType<T>, job: Job): T {
  const result = schema.safeParse(job.data);
  if (!result.success) throw new UnrecoverableError(`job ${job.id} of ${job.queueName} has invalid data: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return result.data;
}

async function waitForHost(deps: ProcessorDeps, job: Job, token: string | undefined, url: string): Promise<void> {
  if (!deps.gate) return;
  const wait = await deps.gate.reserve(url);
  if (wait <= 0) return;
  if (wait <= SLEEP_LIMIT_MS || !token) {
    await new Promise((r) => setTimeout(r, wait));
    return;
  }
  await job.moveToDelayed(Date.now() + wait, token);
  throw new DelayedError(`waiting ${wait} ms for ${new URL(url).host}`);
}

export function crawlProcessor(deps: ProcessorDeps) {
  return async (job: Job, token?: string) => {
    const { sourceId } = parse(crawlData, job);
    const source = deps.config.sources.find((s) => s.id === sourceId);
    if (!source) throw new UnrecoverableError(`source "${sourceId}" is not in the config (${deps.config.origin})`);
    await waitForHost(deps, job, token, source.url);
    try {
      const result = await checkSource(deps, source);
      await deps.queues.enqueueArticles([...result.orphans, ...result.added]);
      await deps.queues.enqueueDeliveries(reportSourceHealth(deps, source, result.transition, null));
      return { outcome: result.outcome, found: result.found, added: result.added.length };
    } catch (err) {
      const transition = (err as { transition?: SourceTransition }).transition ?? null;
      await deps.queues.enqueueDeliveries(reportSourceHealth(deps, source, transition, (err as Error).message));
      return applyFate(err, job, token, deps.gate, source.url);
    }
  };
}

export function articleProcessor(deps: ProcessorDeps) {
  return async (job: Job, token?: string) => {
    const { entryId } = parse(articleData, job);
    const entry = deps.store.getEntry(entryId);
    if (entry) await waitForHost(deps, job, token, entry.url);
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    try {
      const result = await readArticle(deps, entryId, lastAttempt);
      if (result) await deps.queues.enqueueDeliveries(result.deliveries);
      return result && { storyId: result.storyId, isNewStory: result.isNewStory, deliveries: result.deliveries.length };
    } catch (err) {
      return applyFate(err, job, token, deps.gate, entry?.url ?? null);
    }
  };
}

export function deliveryProcessor(deps: ProcessorDeps) {
  return async (job: Job) => {
    const { deliveryId } = parse(deliveryData, job);
    return { outcome: await deliverWebhook(deps, deliveryId) };
  };
}
