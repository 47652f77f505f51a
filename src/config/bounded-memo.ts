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
      const own = ownCopy(key);
      value = fn(own);
      if (results.size >= limit) results.clear();
      results.set(own, value);
    }
    return value as T;
  };
}

/**
 * `text` in storage of its own. A string cut from a page (an attribute, a text node) is a view of the page's whole
 * text in V8, and a memo that kept it, or a part of it in a result, would keep the page alive: up to `limit` pages.
 * The concatenation is flattened into a new string by `slice`, which then views that copy (V8's own workaround).
 */
function ownCopy(text: string): string {
  return (' ' + text).slice(1);
}
