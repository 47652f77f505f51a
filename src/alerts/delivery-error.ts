import type { Fate, FatedError } from '../config/fate.ts';

/** A webhook attempt that did not end in a 2xx. The fate says whether a later attempt may succeed. */
export class DeliveryError extends Error implements FatedError {
  readonly retryAfterMs?: number;

  constructor(
    message: string,
    readonly fate: Fate,
    readonly status: number | null,
    retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'DeliveryError';
    if (retryAfterMs !== undefined) this.retryAfterMs = retryAfterMs;
  }
}
