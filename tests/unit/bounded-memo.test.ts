import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
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

  it('keeps no page alive: a key cut from a page, and results cut from the key, hold copies', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    // Results are parts of the key, as a memo of words or of a canonical URL returns.
    const memo = boundedMemo(1000, (key) => key.split(' '));
    const heap = () => {
      gc();
      return process.memoryUsage().heapUsed;
    };
    const before = heap();
    for (let i = 0; i < 40; i++) {
      // A 2 MB page (two-byte: a curly quote), of which only a 30-character heading is kept.
      const page = `${String(i).padStart(4, '0')} ’${'x'.repeat(1_000_000)} Dernières nouvelles de la défense ${i}`;
      const heading = page.slice(page.length - 40);
      expect(memo(heading).at(-1)).toBe(String(i));
    }
    // 40 pages of 2 MB would be 80 MB; what is kept is 40 short keys and their words.
    expect(heap() - before).toBeLessThan(8_000_000);
  });

  it('refuses a limit that is not a positive integer, naming it', () => {
    expect(() => boundedMemo(0, (k) => k)).toThrow('boundedMemo: limit must be an integer >= 1, got 0');
    expect(() => boundedMemo(1.5, (k) => k)).toThrow(RangeError);
  });
});
