/** Reads a Retry-After header (seconds or an HTTP date) as milliseconds from `now`; undefined when absent or bad. */
export function parseRetryAfter(value: string | string[] | undefined | null, now = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  if (/^\s*\d+\s*$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The longest a Retry-After is obeyed, for crawls, articles and deliveries alike: a server asking for days is not waited on. */
export const MAX_RETRY_AFTER_MS = 6 * 3_600_000;
