import { describe, expect, it } from 'vitest';
import { canonicalUrl } from '../../src/dedupe/canonical-url.ts';
import { InvalidUrlError } from '../../src/dedupe/invalid-url-error.ts';

describe('canonicalUrl', () => {
  it('resolves a relative URL against its base', () => {
    expect(canonicalUrl('../b/c.html?x=1', 'https://example.org/a/z/index.html')).toBe(
      'https://example.org/a/b/c.html?x=1',
    );
    expect(canonicalUrl('/n_index.php?id=7031', 'https://european-security.com/')).toBe(
      'https://european-security.com/n_index.php?id=7031',
    );
  });

  it('removes the fragment', () => {
    expect(canonicalUrl('https://example.org/a#comments')).toBe('https://example.org/a');
    expect(canonicalUrl('https://example.org/a?id=2#')).toBe('https://example.org/a?id=2');
  });

  it('removes utm_* parameters whatever their case', () => {
    expect(
      canonicalUrl('https://example.org/a?utm_source=tw&id=4&UTM_Medium=social&utm_campaign=x&Utm_Content=y'),
    ).toBe('https://example.org/a?id=4');
  });

  it('removes fbclid and gclid', () => {
    expect(canonicalUrl('https://example.org/a?fbclid=IwAR0abc&id=4&gclid=EAIaIQ&FBCLID=z')).toBe(
      'https://example.org/a?id=4',
    );
  });

  it('removes session ids in the query: PHPSESSID, jsessionid, sid', () => {
    expect(canonicalUrl('https://example.org/a.php?id=7&PHPSESSID=9f86d081884c7d65')).toBe(
      'https://example.org/a.php?id=7',
    );
    expect(canonicalUrl('https://example.org/a.php?phpsessid=1&id=7')).toBe('https://example.org/a.php?id=7');
    expect(canonicalUrl('https://example.org/a?JSESSIONID=ABC123&id=7')).toBe('https://example.org/a?id=7');
    expect(canonicalUrl('https://example.org/a?sid=42&id=7&SID=43')).toBe('https://example.org/a?id=7');
  });

  it('removes a ;jsessionid= path parameter', () => {
    expect(canonicalUrl('https://example.org/news/item.do;jsessionid=0A1B2C3D?id=7')).toBe(
      'https://example.org/news/item.do?id=7',
    );
    expect(canonicalUrl('https://example.org/news;JSESSIONID=xyz/item')).toBe('https://example.org/news/item');
  });

  it('keeps parameters that merely resemble tracking ones', () => {
    expect(canonicalUrl('https://example.org/a?side=1&sidebar=0&utm=2&session=3')).toBe(
      'https://example.org/a?session=3&side=1&sidebar=0&utm=2',
    );
  });

  it('sorts the remaining parameters, stably, keeping duplicates and empty values', () => {
    expect(canonicalUrl('https://example.org/a?z=1&b=2&a=3')).toBe('https://example.org/a?a=3&b=2&z=1');
    expect(canonicalUrl('https://example.org/a?tag=2&id=1&tag=1&flag&empty=')).toBe(
      'https://example.org/a?empty=&flag&id=1&tag=2&tag=1',
    );
    expect(canonicalUrl('https://example.org/a?b=1&a=2')).toBe(canonicalUrl('https://example.org/a?a=2&b=1'));
  });

  it('drops the query mark when nothing remains, and empty pieces', () => {
    expect(canonicalUrl('https://example.org/a?utm_source=x')).toBe('https://example.org/a');
    expect(canonicalUrl('https://example.org/a?&&id=1&')).toBe('https://example.org/a?id=1');
  });

  it('does not re-encode kept values', () => {
    expect(canonicalUrl('https://example.org/s?q=a+b&r=%C3%A9t%C3%A9')).toBe(
      'https://example.org/s?q=a+b&r=%C3%A9t%C3%A9',
    );
  });

  it('lower-cases scheme and host, keeps path case', () => {
    expect(canonicalUrl('HTTPS://Example.ORG/News/Story?ID=1')).toBe('https://example.org/News/Story?ID=1');
  });

  it('drops the default port and keeps others', () => {
    expect(canonicalUrl('https://example.org:443/a')).toBe('https://example.org/a');
    expect(canonicalUrl('http://example.org:80/a')).toBe('http://example.org/a');
    expect(canonicalUrl('http://example.org:8080/a')).toBe('http://example.org:8080/a');
  });

  it('folds escapes of unreserved characters and upper-cases the others', () => {
    expect(canonicalUrl('https://example.org/%7Euser/a%2db?x=%7e%2f')).toBe('https://example.org/~user/a-b?x=~%2F');
  });

  it('resolves dot segments, adds the root path and drops a trailing dot on the host', () => {
    expect(canonicalUrl('https://example.org/a/./b/../c')).toBe('https://example.org/a/c');
    expect(canonicalUrl('https://example.org')).toBe('https://example.org/');
    expect(canonicalUrl('https://example.org./a')).toBe('https://example.org/a');
  });

  it('encodes internationalised hosts as punycode', () => {
    expect(canonicalUrl('https://DÉFENSE.example/a')).toBe('https://xn--dfense-bva.example/a');
  });

  it('is idempotent', () => {
    const once = canonicalUrl('HTTP://WWW.Example.org:80/a/;jsessionid=1?b=2&utm_x=1&a=&a=1#f');
    expect(canonicalUrl(once)).toBe(once);
  });

  it('throws InvalidUrlError naming the URL when it cannot be parsed', () => {
    expect(() => canonicalUrl('not a url')).toThrow(InvalidUrlError);
    expect(() => canonicalUrl('http://exa mple.org/')).toThrow(/exa mple\.org/);
    expect(() => canonicalUrl('/relative/only')).toThrow('"/relative/only"');
    try {
      canonicalUrl('::', 'not-a-base');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidUrlError);
      expect((err as InvalidUrlError).url).toBe('::');
      expect((err as InvalidUrlError).fate).toBe('give-up');
      expect((err as Error).message).toContain('not-a-base');
    }
  });
});
