/**
 * `fn` with its results kept by argument: for a pure function of a string whose arguments come back (a site's
 * headings and class attributes on each of its pages, the links of its latest list). At most `limit` results are
 * kept; when full, all are dropped, which costs each one a recomputation and the cache no bookkeeping per call.
 */
export function boundedMemo<T>(limit: number, fn: (key: string) => T): (key: string) => T {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`boundedMemo: limit must be an integer >= 1, got ${limit}`);
  const results = new Map<string, T>();
  return (key) => {
    let value = results.get(key);
    if (value === undefined && !results.has(key)) {
      value = fn(key);
      if (results.size >= limit) results.clear();
      results.set(key, value);
    }
    return value as T;
  };
}
