import { afterEach, describe, expect, it } from 'vitest';
import { startNewsSite, type NewsSite } from '../../src/demo/news-site.ts';
import { editedLead, initialStories, mineWarfareStories, toPublish } from '../fixtures/stories.ts';
import { startHarness, type Harness } from '../helpers/harness.ts';

const opened: NewsSite[] = [];
let harness: Harness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
  for (const s of opened.splice(0)) await s.close();
});

async function site(template: 'reference' | 'wordpress' | 'gov'): Promise<NewsSite> {
  const s = await startNewsSite({ template, articles: initialStories.filter((a) => a.lang === 'en').slice(0, 8) });
  opened.push(s);
  return s;
}

describe('one story, one alert, across sites', () => {
  it('two sites publishing one story at once (one with an edited lead) give one alert and one story with two copies; a third site later adds a copy silently', async () => {
    const [gov, wp, ref] = [await site('gov'), await site('wordpress'), await site('reference')];
    harness = await startHarness({
      sources: [
        { id: 'gov', url: gov.listUrl, every: '1s' },
        { id: 'wp', url: wp.listUrl, every: '1s' },
        { id: 'ref', url: ref.listUrl, every: '1s' },
      ],
      events: ['article.new', 'article.duplicate'],
      server: true,
    });
    const { store, receiver } = harness;
    await harness.until('three baselines', async () => (await store.health()).every((h) => h.baselineAt != null));

    const story = toPublish.find((a) => a.lang === 'en')!;
    gov.publish(story);
    wp.publish(editedLead(story));
    await harness.until('both copies read', async () => (await store.recentArticles()).length >= 2, 25_000);
    await harness.until('both copies claimed', async () => (await store.recentArticles()).every((a) => a.storyId !== null));

    const articles = await store.recentArticles();
    expect(new Set(articles.map((a) => a.storyId)).size).toBe(1);
    const storyId = articles[0]!.storyId!;
    expect((await store.storyCopies(storyId)).map((c) => c.sourceId).sort()).toEqual(['gov', 'wp']);

    ref.publish({ ...story, slug: `${story.slug}-republished` });
    await harness.until('the third copy', async () => (await store.storyCopies(storyId)).length === 3, 25_000);
    await harness.until('all deliveries settled', async () => (await store.deliveries()).length === 3 && (await store.deliveries()).every((d) => d.state === 'delivered'));

    const byType = (t: string) => receiver.delivered().filter((r) => r.payload!.type === t);
    expect(byType('article.new')).toHaveLength(1);
    expect(byType('article.duplicate')).toHaveLength(2);
    const alert = byType('article.new')[0]!.payload!;
    expect(alert.data.story.id).toBe(storyId);
    const lastCopy = byType('article.duplicate').find((r) => r.payload!.data.source === 'ref')!.payload!;
    expect(lastCopy.data.story.id).toBe(storyId);
    expect(lastCopy.data.story.alsoAt.map((c: { source: string }) => c.source).sort()).toEqual(['gov', 'wp']);

    const api = (await (await fetch(`${harness.monitor.url}/api/stories/${storyId}`)).json()) as { first: { sourceId: string }; alsoAt: Array<{ sourceId: string; url: string }> };
    expect([api.first.sourceId, ...api.alsoAt.map((c) => c.sourceId)].sort()).toEqual(['gov', 'ref', 'wp']);
    expect(api.alsoAt.every((c) => c.url.startsWith('http://127.0.0.1:'))).toBe(true);
    const metrics = await (await fetch(`${harness.monitor.url}/metrics`)).text();
    expect(metrics).toContain('vigie_deliveries{state="delivered"} 3');
    expect(metrics).toMatch(/vigie_source_entries\{source="ref"\} \d+/);
  }, 60_000);

  it('two distinct stories on one topic give two alerts', async () => {
    const [gov, wp] = [await site('gov'), await site('wordpress')];
    harness = await startHarness({ sources: [{ id: 'gov', url: gov.listUrl, every: '1s' }, { id: 'wp', url: wp.listUrl, every: '1s' }] });
    const { store, receiver } = harness;
    await harness.until('two baselines', async () => (await store.health()).every((h) => h.baselineAt != null));
    gov.publish(mineWarfareStories[0]);
    wp.publish(mineWarfareStories[1]);
    const got = await receiver.waitFor(2, 25_000);
    expect(got.map((r) => r.payload!.data.entry.title).sort()).toEqual([mineWarfareStories[0].title, mineWarfareStories[1].title].sort());
    expect(new Set(got.map((r) => r.payload!.data.story.id)).size).toBe(2);
  }, 45_000);
});
