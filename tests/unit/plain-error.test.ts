import { describe, expect, it } from 'vitest';
import { plainError } from '../../src/server/pages/plain-error.ts';

describe('plainError', () => {
  it("says what a fetch error means, then the error's own words", () => {
    const failed = (error: string, status: number | null = null) => plainError({ error, status, outcome: 'failed' });
    expect(failed('HttpStatusError: https://x.org/ answered HTTP 503', 503)).toBe('The site has a server error (https://x.org/ answered HTTP 503)');
    expect(failed('HttpStatusError: https://x.org/ answered HTTP 404', 404)).toBe('The page is gone (https://x.org/ answered HTTP 404)');
    expect(failed('HttpStatusError: https://x.org/ answered HTTP 429', 429)).toBe('The site asks us to slow down (https://x.org/ answered HTTP 429)');
    expect(failed('HttpStatusError: https://x.org/ answered HTTP 403', 403)).toBe('The site refuses us (https://x.org/ answered HTTP 403)');
    expect(failed('FetchFailedError: fetching https://x.org/ failed: ECONNREFUSED')).toBe('Could not reach the site (fetching https://x.org/ failed: ECONNREFUSED)');
    expect(failed('RobotsDisallowedError: robots.txt of x.org disallows https://x.org/')).toBe("The site's robots.txt forbids reading this page (robots.txt of x.org disallows https://x.org/)");
    // An error we have no words for: its message without the class name.
    expect(failed('TypeError: oops')).toBe('oops');
  });

  it('notes of crawls that did not fail are plain already; nothing to say is null', () => {
    expect(plainError({ error: 'no latest-articles list found on https://x.org/', status: 200, outcome: 'no-list' })).toBe('no latest-articles list found on https://x.org/');
    expect(plainError({ error: null, status: 200, outcome: 'changed' })).toBeNull();
    expect(plainError(null)).toBeNull();
  });
});
