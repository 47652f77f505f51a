import { describe, expect, it } from 'vitest';
import { relativeTime, utcText } from '../../src/server/pages/time-text.ts';

describe('time texts', () => {
  const now = Date.parse('2026-12-01T08:00:00.000Z');
  it('relative in English, the UTC time as a fallback for readers without JavaScript', () => {
    expect(relativeTime('2026-12-01T07:59:55.000Z', now)).toBe('just now');
    expect(relativeTime('2026-12-01T07:55:00.000Z', now)).toBe('5 minutes ago');
    expect(relativeTime('2026-12-01T10:00:00.000Z', now)).toBe('in 2 hours');
    expect(relativeTime('2026-11-30T08:00:00.000Z', now)).toBe('yesterday');
    expect(relativeTime('not a date', now)).toBe('not a date');
    expect(utcText('2026-12-01T07:55:00.123Z')).toBe('2026-12-01 07:55:00 UTC');
  });
});
