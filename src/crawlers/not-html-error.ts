import type { FatedError } from '../config/fate.ts';

/**
 * The URL answered with something that is not a web page: a type other than HTML (text, JSON, a PDF, an image), or
 * binary bytes served as text/html. Retrying will not change it.
 */
export class NotHtmlError extends Error implements FatedError {
  readonly fate = 'give-up' as const;

  constructor(
    readonly url: string,
    readonly contentType: string,
    /** Why, when the type claims HTML. Default: the type is not HTML. */
    reason?: string,
  ) {
    super(reason ? `${url} is not an HTML page: ${reason}` : `${url} is not an HTML page (Content-Type: ${contentType})`);
    this.name = 'NotHtmlError';
  }
}
