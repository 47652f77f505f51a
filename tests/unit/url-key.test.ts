import { describe, expect, it } from 'vitest';
import { InvalidUrlError } from '../../src/dedupe/invalid-url-error.ts';
import { sameSiteUrl, urlKey } from '../../src/dedupe/url-key.ts';

const ARTICLE = 'https://example.org/news/2026/12/mine-warfare';
const KEY = 'example.org/news/2026/12/mine-warfare';

describe('urlKey folds every disguise of one article', () => {
  it.each([
    ['the plain URL', ARTICLE],
    ['http vs https', 'http://example.org/news/2026/12/mine-warfare'],
    ['www vs none', 'https://www.example.org/news/2026/12/mine-warfare'],
    ['trailing slash', 'https://example.org/news/2026/12/mine-warfare/'],
    ['fragment', 'https://example.org/news/2026/12/mine-warfare#comments'],
    ['case of scheme and host', 'HTTPS://WWW.Example.ORG/news/2026/12/mine-warfare'],
    ['default port', 'https://example.org:443/news/2026/12/mine-warfare'],
    ['utm tracking', 'https://example.org/news/2026/12/mine-warfare?utm_source=rss&utm_medium=feed'],
    ['fbclid', 'https://example.org/news/2026/12/mine-warfare?fbclid=IwAR2x'],
    ['gclid', 'https://example.org/news/2026/12/mine-warfare?gclid=EAIaIQobChMI'],
    ['PHPSESSID', 'https://example.org/news/2026/12/mine-warfare?PHPSESSID=9f86d081884c7d65'],
    ['sid', 'https://example.org/news/2026/12/mine-warfare?sid=abc'],
    ['jsessionid query', 'https://example.org/news/2026/12/mine-warfare?jsessionid=A1'],
    ['jsessionid path parameter', 'https://example.org/news/2026/12/mine-warfare;jsessionid=0A1B2C'],
    ['AMP path /amp', 'https://example.org/news/2026/12/mine-warfare/amp'],
    ['AMP path /amp/', 'https://example.org/news/2026/12/mine-warfare/amp/'],
    ['AMP extension', 'https://example.org/news/2026/12/mine-warfare.amp'],
    ['?amp=1', 'https://example.org/news/2026/12/mine-warfare?amp=1'],
    ['?amp', 'https://example.org/news/2026/12/mine-warfare?amp'],
    ['?outputType=amp', 'https://example.org/news/2026/12/mine-warfare?outputType=amp'],
    ['?print=1', 'https://example.org/news/2026/12/mine-warfare?print=1'],
    ['?print=yes', 'https://example.org/news/2026/12/mine-warfare?print=yes'],
    ['/print', 'https://example.org/news/2026/12/mine-warfare/print'],
    ['/print/', 'https://example.org/news/2026/12/mine-warfare/print/'],
    ['print.html', 'https://example.org/news/2026/12/mine-warfare/print.html'],
    [
      'everything at once',
      'HTTP://WWW.EXAMPLE.ORG:80/news/2026/12/mine-warfare/amp/;jsessionid=9?utm_campaign=a&print=1&fbclid=x#top',
    ],
  ])('%s', (_name, url) => {
    expect(urlKey(url)).toBe(KEY);
  });

  it('folds parameter order and keeps the identifying parameters', () => {
    const a = urlKey('https://example.org/n_index.php?id=7031&lang=fr');
    const b = urlKey('http://www.example.org/n_index.php?lang=fr&sid=77&id=7031#x');
    expect(a).toBe('example.org/n_index.php?id=7031&lang=fr');
    expect(b).toBe(a);
  });

  it('folds an AMP variant of a .html page', () => {
    expect(urlKey('https://example.org/a/story.amp.html')).toBe(urlKey('https://example.org/a/story.html'));
  });
});

describe('urlKey keeps distinct articles distinct', () => {
  it('differs by id, path and path case', () => {
    expect(urlKey('https://example.org/n_index.php?id=7031')).not.toBe(urlKey('https://example.org/n_index.php?id=7032'));
    expect(urlKey('https://example.org/news/a')).not.toBe(urlKey('https://example.org/news/b'));
    expect(urlKey('https://example.org/News/A')).not.toBe(urlKey('https://example.org/news/a'));
  });

  it('differs by host other than www, and by non-default port', () => {
    expect(urlKey('https://news.example.org/a')).not.toBe(urlKey('https://example.org/a'));
    expect(urlKey('https://example.org:8080/a')).not.toBe(urlKey('https://example.org/a'));
  });

  it('keeps view parameters whose value does not ask for a print or AMP view', () => {
    expect(urlKey('https://example.org/a?print=0')).toBe('example.org/a?print=0');
    expect(urlKey('https://example.org/a?amp=article')).toBe('example.org/a?amp=article');
  });

  it('keeps /amp and /print when they are whole sections at the root', () => {
    expect(urlKey('https://example.org/amp')).toBe('example.org/amp');
    expect(urlKey('https://example.org/print/')).toBe('example.org/print');
    expect(urlKey('https://example.org/amp')).not.toBe(urlKey('https://example.org/'));
  });

  it('does not fold a segment that only contains the word', () => {
    expect(urlKey('https://example.org/news/amplifier')).toBe('example.org/news/amplifier');
    expect(urlKey('https://example.org/news/blueprint')).toBe('example.org/news/blueprint');
  });

  it('throws InvalidUrlError on an unparseable URL', () => {
    expect(() => urlKey('no scheme here')).toThrow(InvalidUrlError);
  });
});

describe('sameSiteUrl', () => {
  const page = 'https://www.example.org/news/2026/12/mine-warfare?utm_source=x';

  it('adopts a canonical on the same host, www folded, either scheme, relative allowed', () => {
    expect(sameSiteUrl('https://example.org/news/2026/12/mine-warfare', page)).toBe(true);
    expect(sameSiteUrl('http://www.example.org/news/mine-warfare-update', page)).toBe(true);
    expect(sameSiteUrl('/news/2026/12/mine-warfare', page)).toBe(true);
    expect(sameSiteUrl('HTTPS://EXAMPLE.ORG/n/1', page)).toBe(true);
  });

  it('refuses another host, a subdomain, or a non-web scheme', () => {
    expect(sameSiteUrl('https://aggregator.example.com/news/2026/12/mine-warfare', page)).toBe(false);
    expect(sameSiteUrl('https://amp.example.org/news/2026/12/mine-warfare', page)).toBe(false);
    expect(sameSiteUrl('ftp://example.org/news', page)).toBe(false);
    expect(sameSiteUrl('javascript:void(0)', page)).toBe(false);
  });

  it('refuses a canonical pointing at the front page from an article', () => {
    expect(sameSiteUrl('https://www.example.org/', page)).toBe(false);
    expect(sameSiteUrl('https://example.org', page)).toBe(false);
    expect(sameSiteUrl('https://example.org/', 'https://example.org/?utm_source=x')).toBe(true);
  });

  it('refuses what cannot be parsed', () => {
    expect(sameSiteUrl('http://exa mple.org/', page)).toBe(false);
    expect(sameSiteUrl('/a', 'not a url')).toBe(false);
  });
});
