/** Typed arrays a growing list may be kept in. */
export type GrowableArray = Int32Array | Uint32Array | Uint16Array | Uint8Array;

/** A typed array of `a`'s kind, twice as long, with `a`'s values first: for lists that grow by doubling. */
export function doubled<T extends GrowableArray>(a: T): T {
  const b = new (a.constructor as new (length: number) => T)(2 * a.length);
  b.set(a);
  return b;
}
