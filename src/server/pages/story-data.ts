import { webhookEndpoint } from '../../alerts/index.ts';
import type { AttemptRecord, DeliveryListRow, EventRow, StoryArticle, StorySummary } from '../../store/index.ts';
import type { ServerContext } from '../server-context.ts';
import { shownAttempt, shownDelivery } from './shown-delivery.ts';

export interface StoryWebhook {
  id: string;
  endpoint: string;
  paused: boolean;
  /** Still in the config: only those can be paused or resumed. */
  configured: boolean;
}

export interface StoryData {
  story: StorySummary;
  /** The copy whose text is shown: `?copy=<article id>`, else the one that opened the story. */
  shown: StoryArticle;
  events: EventRow[];
  /** Every delivery of those events, newest first, URLs shown as scheme and host, with its attempts oldest first. */
  deliveries: Array<DeliveryListRow & { attemptLog: AttemptRecord[] }>;
  webhooks: StoryWebhook[];
}

/** A story's page data, or null when there is no such story. */
export async function storyData(ctx: ServerContext, id: number, copyId: number | null): Promise<StoryData | null> {
  const story = await ctx.store.story(id);
  if (!story || story.copies.length === 0) return null;
  const events = await ctx.store.events({ storyId: id, limit: 200 });
  const [rows, paused] = await Promise.all([
    events.length ? ctx.store.deliveryList({ eventIds: events.map((e) => e.id), limit: 500 }) : Promise.resolve([]),
    ctx.store.pausedWebhooks(),
  ]);
  const deliveries = await Promise.all(
    rows.map(async (d) => ({
      ...shownDelivery(ctx.config, d),
      attemptLog: (await ctx.store.attempts(d.id)).map((a) => shownAttempt(ctx.config, d.url, a)),
    })),
  );
  const webhooks = new Map<string, StoryWebhook>();
  for (const d of rows) {
    const configured = ctx.config.webhooks.find((w) => w.id === d.webhookId);
    if (!webhooks.has(d.webhookId)) {
      webhooks.set(d.webhookId, { id: d.webhookId, endpoint: webhookEndpoint(configured?.url ?? d.url), paused: paused.has(d.webhookId), configured: configured !== undefined });
    }
  }
  const shown = story.copies.find((c) => c.id === copyId) ?? story.copies[0]!;
  return { story, shown, events, deliveries, webhooks: [...webhooks.values()] };
}
