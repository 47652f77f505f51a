import { expect } from 'vitest';
import { ConfigError } from '../../src/config/index.ts';

/** The problems of a config that must fail to load (`load` throws a ConfigError); fails the test when it loads. */
export function configProblems(load: () => unknown): string[] {
  try {
    load();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('the config loaded, but it should have failed');
}
