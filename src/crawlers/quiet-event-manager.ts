import { EventManager } from '@crawlee/cheerio';

/**
 * Crawlee's event manager without the system-info poll.
 *
 * Why: the default LocalEventManager measures memory when a crawler starts and every second after, by spawning
 * `ps`; with one short crawler run per job that spawn was the largest single cost of a fetch (measured on loopback
 * pages: a one-URL call took 17-20 ms of CPU and 38 ms wall with it, 4.5 ms and 6 ms without). Without
 * system-info events the autoscaled pool sees no overload and runs at the concurrency it is given, which is what a
 * job that fetches a handful of pages wants; memory is bounded by the job layer's own concurrency instead.
 */
export class QuietEventManager extends EventManager {}
