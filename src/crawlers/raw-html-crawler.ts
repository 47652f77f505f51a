import { CheerioCrawler, type CheerioCrawlingContext, type IRequestManager } from '@crawlee/cheerio';
import type { IncomingMessage } from 'node:http';

/**
 * A CheerioCrawler that hands the request handler the raw response bytes instead of a parsed tree.
 *
 * Why: Crawlee decodes with the charset of the Content-Type header only (a page that declares windows-1252 in a
 * `<meta>` comes out as `�ditoriaux`), and it parses every page twice with its own bundled cheerio. Vigie sniffs
 * the charset from the bytes and parses once with cheerio 1.2, so the crawler's only job here is to fetch.
 */
export class RawHtmlCrawler extends CheerioCrawler {
  protected override async _parseHTML(
    response: IncomingMessage,
    _isXml: boolean,
    _context: CheerioCrawlingContext,
    // The base type promises a parsed tree; the request handler of this subclass reads `body` (a Buffer) only.
  ): Promise<never> {
    const chunks: Buffer[] = [];
    for await (const chunk of response) chunks.push(chunk as Buffer);
    return { body: Buffer.concat(chunks) } as never;
  }

  /**
   * Feeds the crawler from `manager`. Not the `requestManager` option: Crawlee validates its options against an
   * exact shape that lacks it.
   */
  useRequestManager(manager: IRequestManager): void {
    this.requestManager = manager;
  }

  /** Called with each request once the crawler is done with it, after its handler or failed-request handler. */
  onRequestDone: ((request: CheerioCrawlingContext['request']) => void) | null = null;

  /**
   * Crawlee merges the cookies of the session, the request and the hooks through tough-cookie on every request,
   * about 0.1 ms of CPU each. Vigie sends no cookies and keeps no session: with none anywhere, the merge would only
   * leave an empty header object, which is what this does.
   */
  protected override _applyCookies(
    context: CheerioCrawlingContext,
    gotOptions: { headers?: Record<string, unknown> },
    preHookCookies: string,
    postHookCookies: string,
  ): void {
    if (context.session || preHookCookies || postHookCookies || gotOptions.headers?.Cookie || gotOptions.headers?.cookie) {
      super._applyCookies(context, gotOptions as never, preHookCookies, postHookCookies);
      return;
    }
    gotOptions.headers ??= {};
  }

  protected override async _cleanupContext(context: CheerioCrawlingContext): Promise<void> {
    await super._cleanupContext(context);
    this.onRequestDone?.(context.request);
  }
}
