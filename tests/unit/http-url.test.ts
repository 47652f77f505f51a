import { describe, expect, it } from 'vitest';
import { httpUrl } from '../../src/server/pages/http-url.ts';

describe('httpUrl', () => {
  it('only absolute http(s) URLs are links', () => {
    expect(httpUrl('https://x.org/a?b#c')).toBe('https://x.org/a?b#c');
    expect(httpUrl(' http://x.org ')).toBe('http://x.org/');
    for (const bad of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', ' javascript:alert(1)', 'data:text/html,<b>', 'vbscript:x', '//x.org/a', '/local', 'mailto:a@b', '', null, undefined]) {
      expect(httpUrl(bad), String(bad)).toBeNull();
    }
  });
});
