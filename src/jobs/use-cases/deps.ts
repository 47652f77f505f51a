import type { Config } from '../../config/index.ts';
import type { PageFetcherOptions, PageRequest, PageResult, RobotsPolicy } from '../../crawlers/index.ts';
import type { Store } from '../../store/index.ts';

export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
  child(bindings: object): Logger;
}

/** What every use-case gets handed: nothing reads globals, so tests and `--once` wire their own. */
export interface UseCaseDeps {
  config: Config;
  store: Store;
  log: Logger;
  robots: RobotsPolicy | null;
  fetchPages: (requests: PageRequest[], options: PageFetcherOptions) => Promise<PageResult[]>;
  now: () => Date;
}
