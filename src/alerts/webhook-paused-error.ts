import type { FatedError } from '../config/fate.ts';

/** A delivery to a webhook that is paused: it waits (no attempt spent) and is tried again after `retryAfterMs`. */
export class WebhookPausedError extends Error implements FatedError {
  readonly fate = 'retry-later' as const;
  readonly retryAfterMs = 60_000;

  constructor(
    readonly webhookId: string,
    endpoint: string,
  ) {
    super(`webhook ${webhookId} (${endpoint}) is paused`);
    this.name = 'WebhookPausedError';
  }
}
