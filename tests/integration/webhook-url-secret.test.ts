import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from '../../src/server/create-server.ts';
import { SqliteStore } from '../../src/store/index.ts';
import { tempDirConfig } from '../helpers/config-file.ts';
import { testQueues } from '../helpers/test-queues.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const NOW = '2026-12-01T08:00:00.000Z';
// A Slack-style URL: the path is the credential.
const HOOK = 'https://hooks.example.org/services/T0000SECRET/B0000SECRET/XXXXsecretXXXX?token=q-secret';
const SECRET_PARTS = ['T0000SECRET', 'XXXXsecretXXXX', 'q-secret', '/services'];

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('webhook URLs are secrets: the server shows scheme and host only', () => {
  it('/api/deliveries, its attempt log and the dashboard, including errors stored with the full URL', async () => {
    const config = tempDirConfig(cleanups, 'hook', {
      server: { port: 0 },
      sources: [{ id: 'alpha', url: 'https://alpha.example.org/news' }],
      webhooks: [{ url: HOOK, secret: `whsec_${randomBytes(24).toString('base64')}` }],
    });
    const store = new SqliteStore({ path: join(config.storage, 'vigie.db') });
    cleanups.push(() => store.close());
    const { queues } = testQueues(cleanups, config);
    await store.syncSources(config.sources, NOW);
    const created = (await store.createEvent({ type: 'article.new', dedupeKey: 'e1', sourceId: 'alpha', storyId: null, payload: { type: 'article.new' }, webhooks: config.webhooks }, NOW))!;
    const id = created.deliveries[0]!.id;
    // As an older version wrote it: the whole URL in the error.
    await store.recordAttempt({ deliveryId: id, at: NOW, status: 500, outcome: 'retry', error: `POST ${HOOK}: HTTP 500`, durationMs: 9 });
    // A delivery of a webhook since removed from the config.
    const gone = 'https://old.example.net/hook/abcdefSECRET';
    const removed = (await store.createEvent({ type: 'article.new', dedupeKey: 'e2', sourceId: 'alpha', storyId: null, payload: { type: 'article.new' }, webhooks: [{ ...config.webhooks[0]!, id: 'wh_gone', url: gone }] }, NOW))!;
    await store.recordAttempt({ deliveryId: removed.deliveries[0]!.id, at: NOW, status: null, outcome: 'gave-up', error: `webhook wh_gone (${gone}) is no longer configured`, durationMs: 0 });

    const app = await createServer({ config, store, queues, redisOk: async () => true });
    cleanups.push(() => app.close());
    const base = await app.listen({ host: '127.0.0.1', port: 0 });

    const api = await (await fetch(`${base}/api/deliveries`)).text();
    const page = await (await fetch(`${base}/`)).text();
    for (const [name, text] of [['api', api], ['dashboard', page]] as const) {
      for (const part of [...SECRET_PARTS, 'abcdefSECRET', '/hook/']) expect(text, `${name} shows ${part}`).not.toContain(part);
    }
    const rows = JSON.parse(api) as Array<{ url: string; lastError: string; attemptLog: Array<{ error: string }> }>;
    expect(rows.map((r) => r.url).sort()).toEqual(['https://hooks.example.org', 'https://old.example.net']);
    expect(rows.find((r) => r.url === 'https://hooks.example.org')!.attemptLog[0]!.error).toBe('POST https://hooks.example.org: HTTP 500');
    expect(page).toContain('<td data-field="endpoint">https://hooks.example.org</td>');
  });
});
