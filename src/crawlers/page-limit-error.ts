import type { FatedError } from '../config/fate.ts';

/** Which of `limits.*` a fetch ran into. */
export type PageLimit = 'maxBodyBytes' | 'maxRobotsBytes' | 'maxRedirects';

/**
 * A page cost more than a limit allows (a body past `limits.maxBodyBytes` after decompression, more redirects than
 * `limits.maxRedirects`). The same page would do it again, so the job gives up; the message names the limit.
 */
export class PageLimitError extends Error implements FatedError {
  readonly fate = 'give-up' as const;

  constructor(
    readonly url: string,
    readonly limit: PageLimit,
    readonly what: string,
  ) {
    super(`${url}: ${what} (limits.${limit})`);
    this.name = 'PageLimitError';
  }

  static body(url: string, maxBytes: number, limit: PageLimit = 'maxBodyBytes'): PageLimitError {
    return new PageLimitError(url, limit, `body larger than ${formatBytes(maxBytes)} once decompressed; stopped reading there`);
  }

  static rendered(url: string, maxBytes: number): PageLimitError {
    return new PageLimitError(url, 'maxBodyBytes', `rendered page larger than ${formatBytes(maxBytes)}`);
  }

  static redirects(url: string, maxRedirects: number): PageLimitError {
    return new PageLimitError(url, 'maxRedirects', `more than ${maxRedirects} redirects`);
  }

  /** The same error told from the URL first asked for, when it was raised on a redirect hop. */
  forUrl(url: string): PageLimitError {
    return url === this.url ? this : new PageLimitError(url, this.limit, this.what);
  }
}

/** The limit error in `err` or its causes, if any: Crawlee may wrap it. */
export function limitIn(err: unknown): PageLimitError | null {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof PageLimitError) return e;
  }
  return null;
}

/** `10 MB`, `500 KB`, `123 bytes`, in the binary units the config uses. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 2 && bytes % 1024 ** 2 === 0) return `${bytes / 1024 ** 2} MB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KB`;
  return `${bytes} bytes`;
}
