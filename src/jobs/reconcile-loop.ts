import type { Redis } from 'ioredis';
import { reconcile, type ReconcileDeps, type ReconcileOptions } from './reconcile.ts';

export interface ReconcileLoopOptions extends Omit<ReconcileOptions, 'reason'> {
  /** Time between two runs (config `reconcile.every`). */
  everyMs: number;
}

/**
 * Runs `reconcile` every `everyMs`, and at once each time `connection` is ready again after a reconnect: a Redis that
 * restarted empty is refilled within seconds rather than at the next tick. One run at a time; a run asked for while
 * one is going happens right after it. While Redis is away a run just waits for it (commands queue up meanwhile).
 */
export class ReconcileLoop {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again: string | null = null;
  /** The connection's first 'ready' (when it is still connecting at start) is not a reconnect; every later one is. */
  private sawReady = false;
  private readonly onReady = () => {
    if (this.sawReady) void this.run('reconnect');
    this.sawReady = true;
  };

  constructor(
    private readonly deps: ReconcileDeps,
    private readonly connection: Redis,
    private readonly options: ReconcileLoopOptions,
  ) {}

  start(): void {
    this.sawReady = this.connection.status === 'ready';
    this.connection.on('ready', this.onReady);
    this.timer = setInterval(() => void this.run('interval'), this.options.everyMs);
    this.timer.unref();
  }

  /** One run now (or right after the current one), for `reason`; resolves when it is over. Never rejects. */
  async run(reason: string): Promise<void> {
    if (this.running) {
      this.again = reason;
      return this.running;
    }
    this.running = (async () => {
      for (let next: string | null = reason; next !== null; ) {
        this.again = null;
        try {
          await reconcile(this.deps, { ...this.options, reason: next });
        } catch (err) {
          this.deps.log.warn({ reason: next, err: (err as Error).message }, `reconcile (${next}) failed: ${(err as Error).message}`);
        }
        next = this.again;
      }
    })().finally(() => (this.running = null));
    return this.running;
  }

  /** Stops the loop; waits up to 5 s for a run in progress (longer only if Redis is away, and then not at all). */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.connection.off('ready', this.onReady);
    this.again = null;
    if (this.running) await Promise.race([this.running, new Promise((r) => setTimeout(r, 5_000).unref())]);
  }
}
