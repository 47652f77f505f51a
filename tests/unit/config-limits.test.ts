import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';
import { parseByteSize } from '../../src/config/byte-size.ts';

const load = (limits?: unknown) => loadConfig({ env: {}, object: limits === undefined ? {} : { limits } });

describe('limits in the config', () => {
  it('has defaults: 10 MB bodies, 500 KB robots.txt, 5 redirects, 500 list entries, jumps past 100, 256 levels', () => {
    expect(load().limits).toEqual({ maxBodyBytes: 10 * 1024 * 1024, maxRobotsBytes: 500 * 1024, maxRedirects: 5, maxListEntries: 500, relistJump: 100, maxNesting: 256 });
  });

  it('reads sizes written with units or as bytes', () => {
    expect(load({ maxBodyBytes: '2MB', maxRobotsBytes: 65536 }).limits).toMatchObject({ maxBodyBytes: 2 * 1024 * 1024, maxRobotsBytes: 65536 });
    expect(parseByteSize('1.5 MB')).toBe(1.5 * 1024 * 1024);
    expect(parseByteSize('0KB')).toBeNull();
    expect(parseByteSize('10 parsecs')).toBeNull();
  });

  it('names the field of a bad limit', () => {
    expect(() => load({ maxBodyBytes: 'ten megs' })).toThrow(/limits\.maxBodyBytes.*expected a size like 10MB or 500KB, got "ten megs"/);
    expect(() => load({ maxRedirects: 50 })).toThrow(/limits\.maxRedirects/);
    expect(() => load({ maxListEntries: 0 })).toThrow(/limits\.maxListEntries/);
    expect(() => load({ maxNesting: 3 })).toThrow(/limits\.maxNesting: expected a whole number of levels from 32 to 4096/);
    expect(load({ maxNesting: 64 }).limits.maxNesting).toBe(64);
  });
});
