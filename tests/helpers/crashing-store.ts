import type { Store } from '../../src/store/index.ts';

/** Store methods a test can make crash. */
export type CrashStep = 'claimStory' | 'createEvent';

/**
 * The store, except that the next call to `plan.crashIn` (on it or inside one of its transactions) throws
 * `crash in <step>` once, as a process killed there would stop: the transaction around it rolls back. A wrapper
 * rather than a subclass, so the store a transaction hands to its function crashes too, whatever object it is.
 */
export function crashingStore(inner: Store, plan: { crashIn: CrashStep | null }): Store {
  return new Proxy(inner, {
    get(target, prop) {
      if (prop === 'claimStory' || prop === 'createEvent') {
        return async (...args: unknown[]) => {
          if (plan.crashIn === prop) {
            plan.crashIn = null;
            throw new Error(`crash in ${prop}`);
          }
          return (target[prop] as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        };
      }
      if (prop === 'transaction') return <T>(fn: (tx: Store) => Promise<T>) => target.transaction((tx) => fn(crashingStore(tx, plan)));
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
