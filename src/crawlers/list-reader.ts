import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../config/logger.ts';
import { htmlText, type SniffedHtml } from '../extract/decode-html.ts';
import { LatestSelectorError, readLatestList, type LatestList, type LatestListOptions } from './latest-list.ts';
import type { ListAnswer, ListTask } from './list-reader-worker.ts';

export interface ListReaderOptions {
  /**
   * Worker threads that parse pages and read their lists beside the calling thread, which keeps fetching and
   * storing meanwhile. Default: one less than the machine's cores, at most 2; 0 reads every list on the calling
   * thread.
   */
  threads?: number;
  /** Lists waiting on each thread before the next one is read on the calling thread instead. Default: 8. */
  maxQueued?: number;
  /** Told when a thread fails (its lists are then read on the calling thread). Default: none. */
  log?: Logger;
}

interface Lane {
  worker: Worker;
  pending: Map<number, { task: ListTask; resolve: (list: LatestList) => void; reject: (err: Error) => void }>;
  dead: boolean;
}

/**
 * Reads latest lists (readLatestList) on worker threads, for a process that crawls many sources at once (`vigie
 * start --once`): parsing a page is most of a first crawl's CPU, and the calling thread has the fetches and the
 * store to run. When every thread has `maxQueued` lists waiting, or no thread works, a list is read on the calling
 * thread, so a list is never lost or kept waiting behind a failed thread. Close it when done.
 */
export class ListReader {
  private readonly lanes: Lane[] = [];
  private readonly maxQueued: number;
  private readonly log: Logger | undefined;
  private threads: number;
  private nextId = 0;
  private readonly counts = { threaded: 0, inline: 0 };

  constructor(options: ListReaderOptions = {}) {
    const threads = options.threads ?? Math.min(2, Math.max(0, availableParallelism() - 1));
    const maxQueued = options.maxQueued ?? 8;
    if (!Number.isInteger(threads) || threads < 0) throw new RangeError(`ListReader: threads must be an integer >= 0, got ${threads}`);
    if (!Number.isInteger(maxQueued) || maxQueued < 1) throw new RangeError(`ListReader: maxQueued must be an integer >= 1, got ${maxQueued}`);
    this.maxQueued = maxQueued;
    this.log = options.log;
    this.threads = threads;
  }

  /**
   * The page's latest list; rejects with LatestSelectorError for an invalid selector. A page's sniffed bytes
   * (Page.sniffed) are decoded on the thread that reads them.
   */
  read(page: string | SniffedHtml, options: LatestListOptions): Promise<LatestList> {
    // Started on the first list: a run that gets only 304s never pays for a thread.
    while (this.lanes.length < this.threads) this.lanes.push(this.startLane());
    let lane: Lane | undefined;
    for (const l of this.lanes) if (!l.dead && l.pending.size < this.maxQueued && (!lane || l.pending.size < lane.pending.size)) lane = l;
    if (!lane) {
      this.counts.inline++;
      try {
        return Promise.resolve(readLatestList(htmlText(page), options));
      } catch (err) {
        return Promise.reject(err as Error);
      }
    }
    this.counts.threaded++;
    const task: ListTask = { id: this.nextId++, page: typeof page === 'string' ? page : ownBytes(page), options };
    const chosen = lane;
    return new Promise((resolve, reject) => {
      chosen.pending.set(task.id, { task, resolve, reject });
      // Referenced only while it has work: an idle reader does not keep the process alive.
      if (chosen.pending.size === 1) chosen.worker.ref();
      chosen.worker.postMessage(task);
    });
  }

  /** Lists handed to a thread, and lists read on the calling thread (a thread's leftovers after it failed included). */
  stats(): { threaded: number; inline: number } {
    return { ...this.counts };
  }

  /** Stops the threads. Lists still waiting are read on the calling thread. */
  async close(): Promise<void> {
    this.threads = 0;
    await Promise.all(this.lanes.map((lane) => this.retire(lane, null)));
  }

  private startLane(): Lane {
    // Under tsx or vitest this module is TypeScript, and so is its worker; the bundle (bin/build-cli.js) has a
    // list-reader-worker.js beside it.
    const typescript = import.meta.url.endsWith('.ts');
    const file = new URL(typescript ? './list-reader-worker.ts' : './list-reader-worker.js', import.meta.url);
    // A worker ignores `--import` in its execArgv on Node 20, so tsx is registered by a line of its own first.
    const worker = typescript
      ? new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(file.href)}); })`, { eval: true })
      : new Worker(file);
    worker.unref();
    const lane: Lane = { worker, pending: new Map(), dead: false };
    worker.on('message', (answer: ListAnswer) => {
      const job = lane.pending.get(answer.id);
      if (!job) return;
      lane.pending.delete(answer.id);
      if (lane.pending.size === 0) worker.unref();
      if ('list' in answer) job.resolve(answer.list);
      else job.reject(answer.error.selector ? new LatestSelectorError(answer.error.message) : new Error(answer.error.message));
    });
    worker.on('error', (err) => void this.retire(lane, err));
    // Any exit but close()'s is a failure, even with code 0: the thread had lists to answer.
    worker.on('exit', (code) => void this.retire(lane, new Error(`list reader thread exited with code ${code}`)));
    return lane;
  }

  /** Takes a lane out of service and reads what it still had on the calling thread. */
  private async retire(lane: Lane, err: Error | null): Promise<void> {
    if (lane.dead) return;
    lane.dead = true;
    if (err) this.log?.warn({ err: err.message, pending: lane.pending.size }, `list reader thread failed: ${err.message}; its lists are read on the main thread`);
    const jobs = [...lane.pending.values()];
    lane.pending.clear();
    for (const job of jobs) {
      this.counts.threaded--;
      this.counts.inline++;
      try {
        const { page } = job.task;
        job.resolve(readLatestList(htmlText(page), job.task.options));
      } catch (e) {
        job.reject(e as Error);
      }
    }
    await lane.worker.terminate();
  }
}

/** Bytes that own their whole buffer: a message copies a view's entire buffer, which may be a pool of other data. */
function ownBytes(sniffed: SniffedHtml): SniffedHtml {
  const { bytes } = sniffed;
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? sniffed : { ...sniffed, bytes: bytes.slice() };
}
