import { Configuration } from '@crawlee/cheerio';
import { describe, expect, it } from 'vitest';
import { RawHtmlCrawler } from '../../src/crawlers/raw-html-crawler.ts';

describe('RawHtmlCrawler', () => {
  it('refuses a navigation timeout that is not a positive number of ms, naming it, before building the crawler', () => {
    const config = new Configuration({ persistStorage: false, purgeOnStart: false });
    for (const bad of [0, -1, Number.NaN]) {
      expect(() => new RawHtmlCrawler({ navigationTimeoutMs: bad, requestHandler: async () => {} }, config)).toThrow(
        new RangeError(`RawHtmlCrawler: navigationTimeoutMs must be a number of ms > 0, got ${bad}`),
      );
    }
    expect(new RawHtmlCrawler({ navigationTimeoutMs: 1000, requestHandler: async () => {} }, config)).toBeInstanceOf(RawHtmlCrawler);
  });
});
