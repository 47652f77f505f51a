import { redactWebhookUrls, webhookEndpoint } from '../../alerts/index.ts';
import type { Config } from '../../config/index.ts';
import type { AttemptRecord, DeliveryListRow } from '../../store/index.ts';

/**
 * A delivery as a page may show it: a webhook URL can carry its token, so it shows as scheme and host, and is
 * scrubbed from errors (those stored before that rule, or quoting another configured webhook).
 */
export function shownDelivery<D extends Pick<DeliveryListRow, 'url' | 'lastError'>>(config: Pick<Config, 'webhooks'>, d: D): D {
  return { ...d, url: webhookEndpoint(d.url), lastError: scrub(config, d.url, d.lastError) };
}

export function shownAttempt(config: Pick<Config, 'webhooks'>, url: string, a: AttemptRecord): AttemptRecord {
  return { ...a, error: scrub(config, url, a.error) };
}

function scrub(config: Pick<Config, 'webhooks'>, url: string, text: string | null): string | null {
  return text === null ? null : redactWebhookUrls(text, [url, ...config.webhooks.map((w) => w.url)]);
}
