// Lists kept in typed arrays that grow by doubling: the gist's runs and keys, the watchlist token scanner.
import { describe, expect, it } from 'vitest';
import { doubled } from '../../src/config/doubled.ts';
import { TokenScanner } from '../../src/watch/token-scanner.ts';

describe('doubled', () => {
  it('gives an array of the same kind, twice as long, with the values first and zeros after', () => {
    const a = Uint16Array.from([1, 2, 65535]);
    const b = doubled(a);
    expect(b).toBeInstanceOf(Uint16Array);
    expect([...b]).toEqual([1, 2, 65535, 0, 0, 0]);
    expect(b.buffer).not.toBe(a.buffer);
    expect([...doubled(Int32Array.from([-5]))]).toEqual([-5, 0]);
  });

  it('lets the token scanner read a text of far more tokens and characters than its first buffers hold', () => {
    const words = Array.from({ length: 3000 }, (_, i) => `mot${String.fromCharCode(97 + (i % 26))}${i}`);
    const scanner = new TokenScanner();
    const n = scanner.scan(words.join(' '));
    // Each word is letters then digits: two tokens.
    expect(n).toBe(6000);
    expect(scanner.tokenText(5998)).toBe(`mot${String.fromCharCode(97 + (2999 % 26))}`);
    expect(scanner.tokenText(5999)).toBe('2999');
  });
});
