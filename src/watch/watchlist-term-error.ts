/**
 * A watchlist term that can never match (empty, or only punctuation). It names the watchlist and the term by
 * position, so the config layer can report it as a field error: `field` is `watchlists[0].terms[2]`.
 */
export class WatchlistTermError extends Error {
  readonly fate = 'give-up' as const;
  /** `watchlists[<listIndex>].<list>[<termIndex>]`, the config path of the term. */
  readonly field: string;
  /** What is wrong with it, without the field: `alias 2 of "SAMP/T | | Mamba" is empty`. */
  readonly reason: string;

  constructor(
    readonly listId: string,
    readonly listIndex: number,
    readonly list: 'terms' | 'exclude',
    readonly termIndex: number,
    reason: string,
  ) {
    const field = `watchlists[${listIndex}].${list}[${termIndex}]`;
    super(`${field} (watchlist "${listId}"): ${reason}`);
    this.name = 'WatchlistTermError';
    this.field = field;
    this.reason = reason;
  }
}
