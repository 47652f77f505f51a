import { describe, expect, it } from 'vitest';
import { redisHelp } from '../../src/jobs/private-redis.ts';

describe('redisHelp', () => {
  it('names the Redis that does not answer without its password', () => {
    const text = redisHelp('redis://:s3cret-pass@redis:6379/0');
    expect(text).toContain('redis://:***@redis:6379/0');
    expect(text).not.toContain('s3cret-pass');
  });
});
