/**
 * A URL that cannot be parsed, even against its base. It carries `fate: 'give-up'` (the shape `fateOf` in
 * src/crawlers reads) without importing it, since dedupe sits below crawlers: retrying a bad URL never helps.
 */
export class InvalidUrlError extends Error {
  readonly fate = 'give-up' as const;
  readonly url: string;
  readonly base: string | undefined;

  constructor(url: string, base?: string, options?: { cause?: unknown }) {
    super(
      base === undefined
        ? `Invalid URL: ${JSON.stringify(url)}`
        : `Invalid URL: ${JSON.stringify(url)} (relative to ${JSON.stringify(base)})`,
      options,
    );
    this.name = 'InvalidUrlError';
    this.url = url;
    this.base = base;
  }
}
