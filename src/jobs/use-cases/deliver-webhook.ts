import { DeliveryError } from '../../alerts/delivery-error.ts';
import { digestMessage, type DigestEventBody } from '../../alerts/digest-event.ts';
import { channelOf } from '../../alerts/channels/channel-target.ts';
import { sendChannel } from '../../alerts/channels/send-channel.ts';
import { sendWebhook } from '../../alerts/send-webhook.ts';
import { watchlistMessage, type WatchlistEventBody } from '../../alerts/watchlist-event.ts';
import type { ChannelConfig } from '../../config/index.ts';
import type { DeliveryWork } from '../../store/index.ts';
import { webhookEndpoint } from '../../alerts/webhook-endpoint.ts';
import { WebhookPausedError } from '../../alerts/webhook-paused-error.ts';
import type { UseCaseDeps } from './deps.ts';

export type DeliverOutcome = 'delivered' | 'already-done' | 'gave-up';

/**
 * One attempt at one delivery. Every attempt is logged in the store and in one log line. Throws a DeliveryError
 * with fate `retry` or `retry-later` when a later attempt may succeed; gives up (and logs why) past the retry window
 * or when the receiver says the request can never succeed. `attempt` numbers the log line (1 for the first).
 * `loaded` is the delivery's row when the caller has already read it (metrics do), so it is not read twice.
 */
export async function deliverWebhook(deps: UseCaseDeps, deliveryId: number, attempt = 1, loaded?: DeliveryWork | null): Promise<DeliverOutcome> {
  const { store, config } = deps;
  const work = loaded !== undefined ? loaded : await store.getDeliveryWork(deliveryId);
  if (!work) return 'gave-up';
  if (work.state !== 'pending') return 'already-done';
  const now = deps.now();
  const at = now.toISOString();
  // Webhook ids are `wh_<hash>`; channel ids cannot hold `_`: a delivery's webhook id names one or the other.
  const webhook = config.webhooks.find((w) => w.id === work.webhookId);
  const channel = webhook ? undefined : config.channels.find((c) => c.id === work.webhookId);
  if (!webhook && !channel) {
    await store.recordAttempt({ deliveryId, at, status: null, outcome: 'gave-up', error: `webhook ${work.webhookId} (${webhookEndpoint(work.url)}) is no longer configured`, durationMs: 0 });
    return 'gave-up';
  }
  // Paused from the dashboard: the delivery waits, without an attempt (the retry window still runs).
  if ((await store.pausedWebhooks()).has(work.webhookId)) throw new WebhookPausedError(work.webhookId, webhookEndpoint(work.url));
  const started = performance.now();
  try {
    const signed = webhook ?? (channel?.kind === 'webhook' ? channel : null);
    const { status, durationMs } = signed
      ? await sendWebhook({
          url: signed.url,
          secret: signed.secret,
          msgId: work.msgId,
          body: work.body,
          timeoutMs: config.delivery.timeout,
          userAgent: config.crawl.userAgent,
          now,
          allowNetworks: config.network.allow,
        })
      : await sendToChannel(deps, channel!, work);
    await store.recordAttempt({ deliveryId, at, status, outcome: 'delivered', error: null, durationMs });
    logAttempt(deps, work, attempt, { status, outcome: 'delivered', ms: durationMs });
    return 'delivered';
  } catch (err) {
    const e = err instanceof DeliveryError ? err : new DeliveryError(String((err as Error)?.message ?? err), 'retry', null);
    const expired = now.getTime() - Date.parse(work.windowStart) >= config.delivery.retryFor;
    const giveUp = e.fate === 'give-up' || expired;
    const error = expired && e.fate !== 'give-up' ? `${e.message}; retry window of ${config.delivery.retryFor / 3_600_000} h is over` : e.message;
    const durationMs = Math.round(performance.now() - started);
    const outcome = giveUp ? 'gave-up' : 'retry';
    await store.recordAttempt({ deliveryId, at, status: e.status, outcome, error, durationMs });
    logAttempt(deps, work, attempt, { status: e.status, outcome, ms: durationMs, error });
    if (giveUp) return 'gave-up';
    throw e;
  }
}

/** A chat or email channel: the message is built from the event's body, the same on every attempt. */
async function sendToChannel(deps: UseCaseDeps, channel: ChannelConfig, work: DeliveryWork): Promise<{ status: number | null; durationMs: number }> {
  const target = channelOf(channel);
  if (!target) throw new DeliveryError(`channel ${channel.id}: a webhook channel is sent signed`, 'give-up', null);
  const { publicUrl } = deps.config.server;
  const content =
    work.eventType === 'watchlist.match'
      ? watchlistMessage(JSON.parse(work.body) as WatchlistEventBody, publicUrl)
      : work.eventType === 'watchlist.digest'
        ? digestMessage(JSON.parse(work.body) as DigestEventBody, publicUrl)
        : null;
  if (!content) throw new DeliveryError(`channel ${channel.id}: cannot send a ${work.eventType} event`, 'give-up', null);
  const { config } = deps;
  return sendChannel(target, content, { timeoutMs: config.delivery.timeout, userAgent: config.crawl.userAgent, allowNetworks: config.network.allow, msgId: work.msgId });
}

function logAttempt(
  deps: UseCaseDeps,
  work: { id: number; eventType: string; url: string },
  attempt: number,
  r: { status: number | null; outcome: 'delivered' | 'retry' | 'gave-up'; ms: number; error?: string },
): void {
  const endpoint = webhookEndpoint(work.url);
  const line = `delivery ${work.eventType} to ${endpoint}: ${r.outcome}, status ${r.status ?? 'none'}, attempt ${attempt}, ${r.ms} ms${r.error ? ` (${r.error})` : ''}`;
  const fields = { delivery: work.id, event: work.eventType, endpoint, status: r.status, attempt, outcome: r.outcome, ms: r.ms };
  if (r.outcome === 'delivered') deps.log.info(fields, line);
  else deps.log.warn(fields, line);
}
