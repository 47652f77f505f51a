import { describe, expect, it } from 'vitest';
import { boundedMemo } from '../../src/config/bounded-memo.ts';

describe('boundedMemo', () => {
  it('computes each argument once, null and undefined results included, and keeps at most `limit` of them', () => {
    const calls: string[] = [];
    const memo = boundedMemo(3, (key): string | null | undefined => {
      calls.push(key);
      return key === 'none' ? null : key === 'nothing' ? undefined : key.toUpperCase();
    });
    expect([memo('a'), memo('none'), memo('nothing'), memo('a'), memo('none'), memo('nothing')]).toEqual(['A', null, undefined, 'A', null, undefined]);
    expect(calls).toEqual(['a', 'none', 'nothing']);
    // A fourth key empties the cache: the first three are computed again.
    expect(memo('b')).toBe('B');
    expect(memo('b')).toBe('B');
    expect(memo('a')).toBe('A');
    expect(calls).toEqual(['a', 'none', 'nothing', 'b', 'a']);
  });

  it('refuses a limit that is not a positive integer, naming it', () => {
    expect(() => boundedMemo(0, (k) => k)).toThrow('boundedMemo: limit must be an integer >= 1, got 0');
    expect(() => boundedMemo(1.5, (k) => k)).toThrow(RangeError);
  });
});
