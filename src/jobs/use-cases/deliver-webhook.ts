import { DeliveryError } from '../../alerts/delivery-error.ts';
import { sendWebhook } from '../../alerts/send-webhook.ts';
import type { UseCaseDeps } from './deps.ts';

export type DeliverOutcome = 'delivered' | 'already-done' | 'gave-up';

/**
 * One attempt at one delivery. Every attempt is logged in the store. Throws a DeliveryError with fate `retry` or
 * `retry-later` when a later attempt may succeed; gives up (and logs why) past the retry window or when the
 * receiver says the request can never succeed.
 */
export async function deliverWebhook(deps: UseCaseDeps, deliveryId: number): Promise<DeliverOutcome> {
  const { store, config } = deps;
  const work = store.getDeliveryWork(deliveryId);
  if (!work) return 'gave-up';
  if (work.state !== 'pending') return 'already-done';
  const now = deps.now();
  const at = now.toISOString();
  const webhook = config.webhooks.find((w) => w.id === work.webhookId);
  if (!webhook) {
    store.recordAttempt({ deliveryId, at, status: null, outcome: 'gave-up', error: `webhook ${work.webhookId} (${work.url}) is no longer configured`, durationMs: 0 });
    return 'gave-up';
  }
  const started = performance.now();
  try {
    const { status, durationMs } = await sendWebhook({
      url: webhook.url,
      secret: webhook.secret,
      msgId: work.msgId,
      body: work.body,
      timeoutMs: config.delivery.timeout,
      userAgent: config.crawl.userAgent,
      now,
    });
    store.recordAttempt({ deliveryId, at, status, outcome: 'delivered', error: null, durationMs });
    return 'delivered';
  } catch (err) {
    const e = err instanceof DeliveryError ? err : new DeliveryError(String((err as Error)?.message ?? err), 'retry', null);
    const expired = now.getTime() - Date.parse(work.createdAt) >= config.delivery.retryFor;
    const giveUp = e.fate === 'give-up' || expired;
    const error = expired && e.fate !== 'give-up' ? `${e.message}; retry window of ${config.delivery.retryFor / 3_600_000} h is over` : e.message;
    store.recordAttempt({
      deliveryId,
      at,
      status: e.status,
      outcome: giveUp ? 'gave-up' : 'retry',
      error,
      durationMs: Math.round(performance.now() - started),
    });
    if (giveUp) return 'gave-up';
    throw e;
  }
}
