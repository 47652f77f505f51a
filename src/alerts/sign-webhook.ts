import { Webhook } from 'standardwebhooks';

export interface SignedHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/**
 * Standard Webhooks headers for one attempt. The id stays the same on every retry of a delivery (receivers
 * deduplicate on it); the timestamp and signature are made anew, so a receiver's replay window still holds.
 */
export function signWebhook(secret: string, msgId: string, body: string, at: Date): SignedHeaders {
  const signature = new Webhook(secret).sign(msgId, at, body);
  return {
    'webhook-id': msgId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signature,
  };
}

/** Verifies a received webhook; throws when the signature or timestamp is wrong. For receivers and tests. */
export function verifyWebhook(secret: string, body: string, headers: Record<string, string>): unknown {
  return new Webhook(secret).verify(body, headers);
}
