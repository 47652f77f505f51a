import type { Dictionary, IRequestManager, Request, RequestQueueOperationInfo } from '@crawlee/cheerio';

/**
 * The requests of a long-lived crawler, in memory, first in first out, forgotten once handled.
 *
 * Why not a RequestQueue: it preallocates a ~15 MB dedup cache and keeps a record of every request it has seen,
 * which grows with every crawl of a long-lived worker. The callers give each request its own unique key, so there
 * is nothing to deduplicate, and nothing to remember once a request is done.
 */
export class RequestFeed implements IRequestManager {
  private waiting: Request[] = [];
  private inProgress = 0;
  private handled = 0;

  push(request: Request): void {
    this.waiting.push(request);
  }

  /** Drops the requests not yet started and returns them. */
  drain(): Request[] {
    const dropped = this.waiting;
    this.waiting = [];
    return dropped;
  }

  async isFinished(): Promise<boolean> {
    return this.waiting.length === 0 && this.inProgress === 0;
  }

  async isEmpty(): Promise<boolean> {
    return this.waiting.length === 0;
  }

  async handledCount(): Promise<number> {
    return this.handled;
  }

  getTotalCount(): number {
    return this.handled + this.inProgress + this.waiting.length;
  }

  getPendingCount(): number {
    return this.inProgress + this.waiting.length;
  }

  async fetchNextRequest<T extends Dictionary = Dictionary>(): Promise<Request<T> | null> {
    const request = this.waiting.shift();
    if (!request) return null;
    this.inProgress += 1;
    return request as unknown as Request<T>;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Request> {
    for (;;) {
      const request = await this.fetchNextRequest();
      if (!request) return;
      yield request;
    }
  }

  async markRequestHandled(_request: Request): Promise<RequestQueueOperationInfo | null> {
    this.inProgress -= 1;
    this.handled += 1;
    return null;
  }

  async reclaimRequest(request: Request): Promise<RequestQueueOperationInfo | null> {
    this.inProgress -= 1;
    this.waiting.unshift(request);
    return null;
  }

  async addRequest(): Promise<RequestQueueOperationInfo> {
    throw new Error('RequestFeed: requests are pushed by their caller, not enqueued by the crawler');
  }

  async addRequestsBatched(): Promise<never> {
    throw new Error('RequestFeed: requests are pushed by their caller, not enqueued by the crawler');
  }
}
