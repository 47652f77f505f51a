import { sourceEvent } from '../../alerts/article-event.ts';
import type { SourceConfig } from '../../config/index.ts';
import type { DeliveryRow, SourceTransition } from '../../store/index.ts';
import type { UseCaseDeps } from './deps.ts';

/** Turns a health transition into a `source.degraded` / `source.recovered` event for subscribed webhooks. */
export async function reportSourceHealth(deps: UseCaseDeps, source: SourceConfig, transition: SourceTransition, detail: string | null): Promise<DeliveryRow[]> {
  if (!transition) return [];
  const type = transition === 'degraded' ? 'source.degraded' : 'source.recovered';
  const at = deps.now().toISOString();
  deps.log.warn({ source: source.id, detail }, type);
  const webhooks = deps.config.webhooks.filter((w) => w.events.includes(type));
  const created = await deps.store.createEvent(
    { type, dedupeKey: `${type}:${source.id}:${at}`, sourceId: source.id, storyId: null, payload: sourceEvent(type, source.id, source.url, detail, at), webhooks },
    at,
  );
  return created?.deliveries ?? [];
}
