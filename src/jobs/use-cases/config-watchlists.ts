import { ConfigError, type Config } from '../../config/index.ts';
import { compileWatchlists, type WatchlistMatcher } from '../../watch/compile-watchlists.ts';
import { WatchlistTermError } from '../../watch/watchlist-term-error.ts';

// Per config object (configs are frozen once loaded): compiled once per process, whoever asks first.
const compiled = new WeakMap<Config, WatchlistMatcher>();

/**
 * The config's watchlists, compiled into one matcher. A term that can never match is a config error naming its
 * field (`watchlists[1].terms[2]: ...`), thrown at start (cli.ts and useCaseDeps ask first), like the schema's.
 */
export function configWatchlists(config: Config): WatchlistMatcher {
  let matcher = compiled.get(config);
  if (!matcher) {
    try {
      matcher = compileWatchlists(config.watchlists);
    } catch (err) {
      if (err instanceof WatchlistTermError) throw new ConfigError([`${err.field}: ${err.reason}`], config.origin);
      throw err;
    }
    compiled.set(config, matcher);
  }
  return matcher;
}
