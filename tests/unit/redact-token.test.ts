import { describe, expect, it } from 'vitest';
import { redactToken } from '../../src/server/redact-token.ts';

describe('redactToken', () => {
  it('hides the value of every token= parameter, wherever it stands, and keeps the rest', () => {
    expect(redactToken('/feeds/all.xml?token=s3cret-value')).toBe('/feeds/all.xml?token=[redacted]');
    expect(redactToken('http://127.0.0.1:3000/feeds/sources/a.atom?x=1&token=s3cret&y=2#top')).toBe('http://127.0.0.1:3000/feeds/sources/a.atom?x=1&token=[redacted]&y=2#top');
    expect(redactToken('/?TOKEN=s3cret;token=other')).toBe('/?TOKEN=[redacted];token=[redacted]');
    expect(redactToken('token=s3cret')).toBe('token=[redacted]');
    expect(redactToken('Referer "http://h/?token=s3cret" refused')).toBe('Referer "http://h/?token=[redacted]" refused');
    expect(redactToken('?token=')).toBe('?token=[redacted]');
  });

  it('leaves other parameters alone, including ones that end in "token"', () => {
    expect(redactToken('/feeds/all.xml?source=alpha')).toBe('/feeds/all.xml?source=alpha');
    expect(redactToken('/x?csrf_token=abc&mytoken=def')).toBe('/x?csrf_token=abc&mytoken=def');
    expect(redactToken('/token=abc')).toBe('/token=abc');
  });
});
