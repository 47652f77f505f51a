import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startNewsSite, type NewsSite } from '../../src/demo/news-site.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../src/demo/webhook-receiver.ts';
import { QUEUE_NAMES } from '../../src/jobs/index.ts';
import { initialStories, storiesIn, toPublish } from '../fixtures/stories.ts';
import { REDIS_URL } from '../helpers/harness.ts';
import { obliterateQueues, until } from '../helpers/wait.ts';

const BIN = resolve(import.meta.dirname, '../../bin/vigie.js');
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Runs `vigie` with LOG_LEVEL=info unless `env` says otherwise; an undefined value unsets a variable. */
function run(args: string[], env: Record<string, string | undefined> = {}): { child: ChildProcess; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const merged = Object.fromEntries(Object.entries({ ...process.env, LOG_LEVEL: 'info', ...env }).filter(([, v]) => v !== undefined)) as Record<string, string>;
  const child = spawn(process.execPath, [BIN, ...args], { env: merged, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((res) => child.on('close', (code) => res({ code, stdout, stderr })));
  Object.defineProperty(child, 'output', { get: () => ({ stdout, stderr }) });
  return { child, done };
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-cli-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function sites(...templates: Array<'reference' | 'legacy' | 'wordpress'>): Promise<NewsSite[]> {
  const out: NewsSite[] = [];
  for (const template of templates) {
    const articles = template === 'legacy' ? storiesIn('fr').slice(0, 8) : initialStories.slice(0, 12);
    const s = await startNewsSite({ template, articles });
    cleanups.push(() => s.close());
    out.push(s);
  }
  return out;
}

async function receiver(secret: string): Promise<WebhookReceiver> {
  const r = await startWebhookReceiver({ secret });
  cleanups.push(() => r.close());
  return r;
}

function yamlConfig(dir: string, body: string): string {
  const prefix = `vigie-cli-${randomBytes(5).toString('hex')}`;
  cleanups.push(() => obliterateQueues(REDIS_URL, prefix));
  const file = join(dir, 'vigie.config.yaml');
  writeFileSync(file, `redis: ${REDIS_URL}\nstorage: ./storage\nqueuePrefix: ${prefix}\nserver: { host: 127.0.0.1, port: 0 }\ncrawl: { hostInterval: 10ms, timeout: 5s }\nnetwork: { allow: [127.0.0.1/32] }\n${body}`);
  return file;
}

describe('the vigie command', () => {
  it('exits 2 on a bad config and names the field', async () => {
    const dir = tempDir();
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'sources:\n  - { id: a, url: "https://a.example/" }\n  - { id: b, url: "https://b.example/" }\n  - { id: c, url: "https://c.example/", every: often }\n');
    const { code, stderr } = await run(['start', '--config', file]).done;
    expect(code).toBe(2);
    expect(stderr).toContain('sources[2].every: expected a duration like 30s, 5m or 1h');
    const missing = await run(['start', '--config', join(dir, 'nope.yaml')]).done;
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read the config file/);
  });

  it('`vigie start` on three sites alerts each new entry exactly once, signed, and stops cleanly on SIGTERM', async () => {
    const dir = tempDir();
    const secret = `whsec_${randomBytes(24).toString('base64')}`;
    const hook = await receiver(secret);
    const [ref, legacy, wp] = await sites('reference', 'legacy', 'wordpress');
    const file = yamlConfig(
      dir,
      `sources:\n  - { id: ref, url: "${ref!.listUrl}", every: 1s }\n  - { id: legacy, url: "${legacy!.listUrl}", every: 1s }\n  - { id: wp, url: "${wp!.listUrl}", every: 1s }\nwebhooks:\n  - { url: "${hook.url}", secret: "${secret}" }\n`,
    );
    const vigie = run(['start', '--config', file]);
    cleanups.push(() => void vigie.child.kill('SIGKILL'));
    const base = await until('the server address', () => /"url":"(http:\/\/127\.0\.0\.1:\d+)"[^\n]*server listening/.exec((vigie.child as any).output.stderr)?.[1]);
    await until('three baselines', async () => {
      const health = (await (await fetch(`${base}/health`)).json()) as { sources: Array<{ baselineAt: string | null }> };
      return health.sources.length === 3 && health.sources.every((s) => s.baselineAt) ? true : undefined;
    });
    expect(hook.received).toHaveLength(0);

    const fresh = [toPublish[4]!, storiesIn('fr').find((a) => !legacy!.latestEntries().some((e) => e.title === a.title))!, toPublish[5]!];
    ref!.publish(fresh[0]!);
    legacy!.publish(fresh[1]!);
    wp!.publish(fresh[2]!);
    const got = await hook.waitFor(3, 30_000);
    await new Promise((r) => setTimeout(r, 3_000));
    expect(hook.received).toHaveLength(3);
    expect(got.every((r) => r.signatureValid)).toBe(true);
    expect(got.map((r) => r.payload!.data.source).sort()).toEqual(['legacy', 'ref', 'wp']);
    const fromLegacy = got.find((r) => r.payload!.data.source === 'legacy')!.payload!;
    // The windows-1252 site's French survives decoding, in the entry and in the article.
    expect(fromLegacy.data.entry.title).toBe(fresh[1]!.title);
    expect(fromLegacy.data.article.text).not.toContain('\uFFFD');
    expect(fromLegacy.data.article.text).toContain(fresh[1]!.paragraphs[0]!.slice(0, 40));

    const queues = (await (await fetch(`${base}/queues/api/queues`)).json()) as { queues: Array<{ name: string }> };
    expect(queues.queues.map((q) => q.name).sort()).toEqual(Object.values(QUEUE_NAMES).sort());

    vigie.child.kill('SIGTERM');
    const { code } = await vigie.done;
    expect(code).toBe(0);
  }, 90_000);

  it('`vigie start --once`: a silent baseline, then the new entries, then exit 1 when a source fails', async () => {
    const dir = tempDir();
    const secret = `whsec_${randomBytes(24).toString('base64')}`;
    const hook = await receiver(secret);
    const [ref, wp] = await sites('reference', 'wordpress');
    const file = yamlConfig(dir, `sources:\n  - { id: ref, url: "${ref!.listUrl}" }\n  - { id: wp, url: "${wp!.listUrl}" }\nwebhooks:\n  - { url: "${hook.url}", secret: "${secret}" }\n`);

    const first = await run(['start', '--once', '--config', file], { REDIS_URL: 'redis://127.0.0.1:1' }).done;
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout).sources.map((s: { outcome: string }) => s.outcome)).toEqual(['baseline', 'baseline']);
    expect(hook.received).toHaveLength(0);

    ref!.publish(toPublish[6]!);
    wp!.publish(toPublish[7]!);
    // With the default log level, as a cron job would run it.
    const second = await run(['start', '--once', '--config', file], { LOG_LEVEL: undefined }).done;
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout).deliveries).toEqual({ delivered: 2, pending: 0, gaveUp: 0 });
    // One progress line per source, not that and a JSON info line for the same crawl.
    expect(second.stderr).toMatch(/^ref: changed, \d+ listed, 1 new$/m);
    expect(second.stderr).not.toMatch(/"msg":"crawl /);
    expect(hook.delivered().map((r) => r.payload!.data.entry.title).sort()).toEqual([toPublish[6]!.title, toPublish[7]!.title].sort());

    wp!.fail({ status: 500 });
    const third = await run(['start', '--once', '--config', file]).done;
    expect(third.code).toBe(1);
    expect(third.stderr).toMatch(/wp: failed: .*HTTP 500/);
    expect(hook.received).toHaveLength(2);
  }, 60_000);

  it('`vigie check` reads a windows-1252 file with --url, and a live URL, as JSON', async () => {
    const [legacy] = await sites('legacy');
    const slug = storiesIn('fr')[0]!.slug;
    const bytes = Buffer.from(await (await fetch(legacy!.articleUrl(slug))).arrayBuffer());
    expect(bytes.includes(0xc9) || bytes.includes(0xe9)).toBe(true);
    const dir = tempDir();
    const file = join(dir, 'page.html');
    writeFileSync(file, bytes);

    const fromFile = await run(['check', file, '--url', legacy!.articleUrl(slug), '--json']).done;
    expect(fromFile.code).toBe(0);
    const seen = JSON.parse(fromFile.stdout);
    expect(seen.title).toBe(storiesIn('fr')[0]!.title);
    expect(seen.lang).toBe('fr');
    expect(seen.text).not.toContain('\uFFFD');
    expect(seen.text).toContain(storiesIn('fr')[0]!.paragraphs[1]!.slice(0, 40));
    expect(seen.latest.length).toBeGreaterThan(3);
    expect(seen.latest.every((e: { url: string }) => e.url.startsWith(legacy!.url))).toBe(true);
    for (const key of ['title', 'text', 'lang', 'publishedAt', 'canonicalUrl', 'latest']) expect(seen).toHaveProperty(key);

    // Loopback is refused unless allowed; `check` reads the allow-list from the environment.
    const refused = await run(['check', legacy!.listUrl, '--json']).done;
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`vigie check: ${legacy!.listUrl} resolves to 127.0.0.1, a loopback address; allow it with network.allow`);
    const live = await run(['check', legacy!.listUrl, '--json'], { VIGIE_ALLOW_NETWORKS: '127.0.0.1/32' }).done;
    expect(live.code).toBe(0);
    expect(JSON.parse(live.stdout).latest.map((e: { title: string }) => e.title)).toEqual(legacy!.latestEntries().map((e) => e.title));
  }, 30_000);
});
