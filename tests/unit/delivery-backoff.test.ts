import { describe, expect, it } from 'vitest';
import { deliveryBackoff } from '../../src/jobs/delivery-backoff.ts';
import { DELIVERY_ATTEMPTS } from '../../src/jobs/vigie-queues.ts';

const HOUR = 3_600_000;
const low = () => 0;
const high = () => 0.999_999;
/** The un-jittered delay before attempt `n + 1`: 5 s doubling, at most 1 h. */
const ceiling = (attemptsMade: number) => Math.min(HOUR, 5_000 * 2 ** (attemptsMade - 1));

describe('deliveryBackoff', () => {
  it('grows exponentially from 5 s, jittered within the upper half of each step', () => {
    expect(deliveryBackoff(1, undefined, high)).toBe(5_000);
    expect(deliveryBackoff(1, undefined, low)).toBe(2_500);
    for (let n = 1; n <= 12; n++) {
      expect(deliveryBackoff(n, undefined, low)).toBe(Math.round(ceiling(n) / 2));
      expect(deliveryBackoff(n, undefined, high)).toBe(Math.round(ceiling(n) / 2 + 0.999_999 * (ceiling(n) / 2)));
      for (let k = 0; k < 50; k++) {
        const d = deliveryBackoff(n);
        expect(d).toBeGreaterThanOrEqual(ceiling(n) / 2);
        expect(d).toBeLessThanOrEqual(ceiling(n));
      }
    }
    expect(deliveryBackoff(4, undefined, low)).toBe(2 * deliveryBackoff(3, undefined, low));
  });

  it('spreads deliveries out: jittered delays of one step are not all equal', () => {
    expect(new Set(Array.from({ length: 20 }, () => deliveryBackoff(6))).size).toBeGreaterThan(1);
  });

  it('never waits more than 1 h between attempts', () => {
    for (const n of [11, 12, 20, 100, 5_000, 9_999]) expect(deliveryBackoff(n, undefined, high)).toBeLessThanOrEqual(HOUR);
    expect(deliveryBackoff(200, undefined, high)).toBeGreaterThan(0.99 * HOUR);
  });

  it('honours Retry-After, and caps it', () => {
    expect(deliveryBackoff(1, 7_000, low)).toBe(7_000);
    expect(deliveryBackoff(1, 7_000, high)).toBe(7_000);
    expect(deliveryBackoff(2, 120_000, low)).toBe(120_000);
    // A Retry-After of days is not believed: alerts are not parked that long.
    expect(deliveryBackoff(1, 10 * 24 * HOUR)).toBe(6 * HOUR);
    // Retry-After means "not before": a short one does not shorten a late attempt's backoff.
    expect(deliveryBackoff(10, 1_000, low)).toBe(ceiling(10) / 2);
    // Retry-After: 0 (or a date in the past) falls back to the normal backoff.
    expect(deliveryBackoff(1, 0, low)).toBe(2_500);
  });

  it('keeps retrying for at least 24 h within the attempts BullMQ allows', () => {
    const total = (delay: (attemptsMade: number) => number) => {
      let sum = 0;
      // BullMQ asks for a backoff after each failed attempt but the last.
      for (let n = 1; n < DELIVERY_ATTEMPTS; n++) sum += delay(n);
      return sum;
    };
    expect(total((n) => deliveryBackoff(n, undefined, low))).toBeGreaterThan(24 * HOUR);
    // A receiver that answers 429 with a short Retry-After every time must not exhaust the attempts early.
    expect(total((n) => deliveryBackoff(n, 1_000, low))).toBeGreaterThan(24 * HOUR);
  });

  it('follows a configured schedule (delivery.firstRetry, delivery.maxRetryDelay)', () => {
    const short = { firstMs: 100, capMs: 400 };
    expect([1, 2, 3, 4, 10].map((n) => deliveryBackoff(n, undefined, high, short))).toEqual([100, 200, 400, 400, 400]);
    expect(deliveryBackoff(3, undefined, low, short)).toBe(200);
  });
});
