import { Log, LogLevel } from '@crawlee/cheerio';

/**
 * A Crawlee Log that forwards warnings and errors to our logger as structured lines, and drops Crawlee's
 * info-level chatter ("Starting the crawler", statistics). Without a logger it is silent: every failure also
 * comes back to the caller as a fated error. A failed request is such a failure, logged once by the caller, so
 * Crawlee's own line for it goes to debug.
 */
export function crawleeLog(log: { warn(obj: object, msg?: string): void; debug?(obj: object, msg?: string): void } | undefined): Log {
  return new Log({
    level: LogLevel.WARNING,
    prefix: 'crawlee',
    logger: {
      log: (level: number, message: string, data?: Record<string, unknown>) => {
        if (level > LogLevel.WARNING) return;
        if (/^Request failed and reached maximum retries/.test(message)) log?.debug?.({ component: 'crawlee', ...data }, message);
        else log?.warn({ component: 'crawlee', ...data }, message);
      },
      setOptions: () => undefined,
      getOptions: () => ({}),
    } as never,
  });
}
