/**
 * Idle objects by key, each lent to one user at a time. `give` keeps at most `maxPerKey` of a key, so a burst of
 * concurrent calls does not leave a crowd of idle crawlers behind.
 */
export class IdlePool<T> {
  private readonly idle = new Map<string, T[]>();

  constructor(private readonly maxPerKey: number) {}

  take(key: string): T | undefined {
    return this.idle.get(key)?.pop();
  }

  give(key: string, item: T): void {
    const items = this.idle.get(key) ?? [];
    if (items.length >= this.maxPerKey) return;
    items.push(item);
    this.idle.set(key, items);
  }
}
