import { afterEach, describe, expect, it } from 'vitest';
import { startNewsSite, type NewsSite } from '../../src/demo/news-site.ts';
import { initialStories, toPublish } from '../fixtures/stories.ts';
import { startHarness, type Harness } from '../helpers/harness.ts';

let harness: Harness | undefined;
let site: NewsSite | undefined;
afterEach(async () => {
  await harness?.close();
  await site?.close();
  harness = site = undefined;
});

describe('a receiver outage', () => {
  // Ten minutes of outage under the default schedule (5 s doubling to 1 h), compressed: retries from 200 ms doubling
  // to 1 s, an outage of 8 s. The mechanism is the same; the default's 24 h coverage is checked in delivery-backoff.
  it('every alert raised while the receiver is down is delivered exactly once when it is back, with its original webhook-id', async () => {
    site = await startNewsSite({ template: 'wordpress', articles: initialStories.slice(0, 8) });
    let down = false;
    harness = await startHarness({
      sources: [{ id: 'wp', url: site.listUrl, every: '1s' }],
      respond: () => (down ? 503 : 204),
      delivery: { firstRetry: '200ms', maxRetryDelay: '1s', retryFor: '10m' },
    });
    const { store, receiver } = harness;
    await harness.until('the baseline', async () => (await store.health())[0]?.baselineAt != null);

    down = true;
    const outageStarted = Date.now();
    for (const story of toPublish.slice(0, 3)) {
      site.publish(story);
      await new Promise((r) => setTimeout(r, 2_000));
    }
    await harness.until('three refused deliveries', async () => (await store.deliveries()).length === 3, 20_000);
    await new Promise((r) => setTimeout(r, Math.max(0, 8_000 - (Date.now() - outageStarted))));
    expect(receiver.delivered()).toEqual([]);
    down = false;

    await receiver.waitFor(3, 20_000);
    await harness.until('every delivery logged as delivered', async () => (await store.deliveries()).every((d) => d.state === 'delivered'), 10_000);
    // A quiet moment: nothing is sent again.
    await new Promise((r) => setTimeout(r, 2_000));
    const deliveries = await store.deliveries();
    expect(deliveries).toHaveLength(3);
    const titles = new Map<string, string>();
    for (const d of deliveries) titles.set(d.msgId, JSON.parse((await store.getDeliveryWork(d.id))!.body).data.entry.title as string);
    expect([...titles.values()].sort()).toEqual(toPublish.slice(0, 3).map((s) => s.title).sort());
    for (const d of deliveries) {
      const requests = receiver.received.filter((r) => r.headers['webhook-id'] === d.msgId);
      // Refused while down (several times each), then delivered once, every time under the id the event was given.
      expect(requests.filter((r) => r.status === 503).length, titles.get(d.msgId)).toBeGreaterThanOrEqual(2);
      expect(requests.filter((r) => r.status === 204)).toHaveLength(1);
      expect(requests.every((r) => r.signatureValid && r.payload!.data.entry.title === titles.get(d.msgId))).toBe(true);
    }
    // No request carried any other id.
    expect(new Set(receiver.received.map((r) => r.headers['webhook-id']))).toEqual(new Set(titles.keys()));
    expect(receiver.delivered()).toHaveLength(3);
  }, 90_000);
});
