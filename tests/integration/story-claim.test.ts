import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BANDS, ANCHORS } from '../../src/dedupe/fingerprint.ts';
import { claimStory, STORY_SCHEMA, type ClaimResult } from '../../src/store/story-claim.ts';
import { editedLead, mineWarfareStories, stories, templatedNotices } from '../fixtures/stories.ts';
import type { NewsArticle } from '../../src/demo/news-site.ts';

const bodyOf = (a: NewsArticle): string => [...(a.lead === undefined ? [] : [a.lead]), ...a.paragraphs].join('\n\n');
const NOW = '2026-12-01T08:00:00.000Z';

let dir: string;
let db: Database.Database;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-story-claim-'));
  db = new Database(join(dir, 'vigie.db'));
  db.pragma('journal_mode = WAL');
});

afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function claim(articleId: number, title: string, text: string): ClaimResult {
  return claimStory(db, { articleId, title, text, now: NOW });
}

const count = (sql: string): number => (db.prepare(sql).get() as { n: number }).n;

describe('STORY_SCHEMA', () => {
  it('creates the story tables on an empty database, twice without error', () => {
    db.exec(STORY_SCHEMA);
    db.exec(STORY_SCHEMA);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map(
      (r) => r.name,
    );
    expect(tables).toEqual(['article_fingerprints', 'stories', 'story_bands']);
    const columns = (table: string): string[] =>
      (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
    expect(columns('stories')).toEqual(['id', 'first_article_id', 'title', 'created_at']);
    expect(columns('article_fingerprints')).toEqual(
      expect.arrayContaining(['article_id', 'story_id', 'exact_hash', 'simhash', 'token_count']),
    );
    expect(columns('story_bands')).toEqual(['band', 'article_id']);
    const indexes = (db.prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL").all() as { sql: string }[]).map(
      (r) => r.sql,
    );
    expect(indexes.some((sql) => /article_fingerprints \(exact_hash\)/.test(sql))).toBe(true);
  });
});

describe('claimStory', () => {
  const [original, second] = [stories[0] as NewsArticle, stories[1] as NewsArticle];

  it('opens a story with the first copy and joins later copies to it', () => {
    const first = claim(1, original.title, bodyOf(original));
    expect(first).toEqual({ storyId: first.storyId, isNew: true, matchedArticleId: null, distance: null });

    const syndicated = editedLead(original);
    const near = claim(2, syndicated.title, bodyOf(syndicated));
    expect(near.isNew).toBe(false);
    expect(near.storyId).toBe(first.storyId);
    expect(near.matchedArticleId).toBe(1);
    expect(near.distance).toBeGreaterThan(0);

    const exact = claim(3, original.title.toUpperCase(), bodyOf(original).replace(/’/g, "'"));
    expect(exact).toEqual({ storyId: first.storyId, isNew: false, matchedArticleId: 1, distance: 0 });

    const stored = db.prepare('SELECT first_article_id, title, created_at FROM stories WHERE id = ?').get(first.storyId);
    expect(stored).toEqual({ first_article_id: 1, title: original.title, created_at: NOW });
    expect(count('SELECT count(*) AS n FROM stories')).toBe(1);
  });

  it('joins a copy cut to its first 70%', () => {
    const body = bodyOf(second);
    const first = claim(10, second.title, body);
    const cut = claim(11, second.title, body.slice(0, Math.floor(body.length * 0.7)));
    expect(cut).toMatchObject({ storyId: first.storyId, isNew: false, matchedArticleId: 10 });
  });

  it('keeps two distinct mine-warfare stories of one week apart', () => {
    const [a, b] = mineWarfareStories;
    const first = claim(1, a.title, bodyOf(a));
    const other = claim(2, b.title, bodyOf(b));
    expect(other.isNew).toBe(true);
    expect(other.storyId).not.toBe(first.storyId);
    const again = editedLead(b);
    expect(claim(3, again.title, bodyOf(again))).toMatchObject({ storyId: other.storyId, isNew: false });
  });

  it('keeps two short notices sharing a template sentence apart, and joins a copy to the right one', () => {
    const [a, b] = templatedNotices;
    const first = claim(1, a.title, bodyOf(a));
    const other = claim(2, b.title, bodyOf(b));
    expect(other.isNew).toBe(true);
    const copyOfB = editedLead(b);
    expect(claim(3, copyOfB.title, bodyOf(copyOfB))).toMatchObject({ storyId: other.storyId, matchedArticleId: 2 });
    expect(first.storyId).not.toBe(other.storyId);
  });

  it('merges short texts only when body and title are both the same', () => {
    const body = 'The ministry will publish the list of selected projects next week.';
    const first = claim(1, 'Defence innovation call', body);
    expect(claim(2, 'DEFENCE INNOVATION CALL', body)).toMatchObject({ storyId: first.storyId, isNew: false });
    expect(claim(3, 'Naval drones call', body).isNew).toBe(true);
    expect(claim(4, 'Defence innovation call', `${body} Source: ministry.`).isNew).toBe(true);
    expect(count('SELECT count(*) AS n FROM story_bands')).toBe(0);
  });

  it('gives an article with no text a story of its own, indexed nowhere', () => {
    const a = claim(1, 'Communiqué de presse', '');
    const b = claim(2, 'Communiqué de presse', '   \n ');
    expect(a.isNew && b.isNew).toBe(true);
    expect(a.storyId).not.toBe(b.storyId);
    expect(count('SELECT count(*) AS n FROM story_bands')).toBe(0);
    expect(db.prepare('SELECT exact_hash FROM article_fingerprints WHERE article_id = 1').get()).toEqual({ exact_hash: null });
  });

  it('indexes every copy under its simhash bands and sketch anchors', () => {
    claim(1, original.title, bodyOf(original));
    const keys = db.prepare('SELECT band FROM story_bands WHERE article_id = 1').all() as { band: string }[];
    expect(keys).toHaveLength(BANDS + ANCHORS);
    expect(keys.filter((k) => /^b\d+:[0-9a-f]+$/.test(k.band))).toHaveLength(BANDS);
    expect(keys.filter((k) => /^a:[0-9a-f]+$/.test(k.band))).toHaveLength(ANCHORS);
    const row = db.prepare('SELECT simhash FROM article_fingerprints WHERE article_id = 1').get() as { simhash: string };
    expect(row.simhash).toMatch(/^[0-9a-f]{16}$/);
  });

  it('is idempotent per article', () => {
    const first = claim(1, original.title, bodyOf(original));
    const copy = editedLead(original);
    const joined = claim(2, copy.title, bodyOf(copy));
    expect(claim(1, original.title, bodyOf(original))).toEqual(first);
    expect(claim(2, 'anything', 'else entirely')).toEqual(joined);
    expect(count('SELECT count(*) AS n FROM article_fingerprints')).toBe(2);
  });

  it('runs inside a caller transaction, as a savepoint of it', () => {
    db.exec('CREATE TABLE articles (id INTEGER PRIMARY KEY, story_id INTEGER)');
    db.prepare('INSERT INTO articles (id) VALUES (1), (2)').run();
    const inStore = db.transaction((id: number, a: NewsArticle) => {
      const c = claim(id, a.title, bodyOf(a));
      db.prepare('UPDATE articles SET story_id = ? WHERE id = ?').run(c.storyId, id);
      return c;
    });
    const a = inStore.immediate(1, original);
    const b = inStore.immediate(2, editedLead(original));
    expect(b.storyId).toBe(a.storyId);
    expect(db.prepare('SELECT count(DISTINCT story_id) AS n FROM articles').get()).toEqual({ n: 1 });
  });

  it('looks candidates up through indexes, never a table scan', () => {
    const seen: string[] = [];
    const prepare = db.prepare.bind(db);
    db.prepare = ((sql: string) => {
      seen.push(sql);
      return prepare(sql);
    }) as typeof db.prepare;
    for (const [i, s] of stories.slice(0, 6).entries()) claim(i + 1, s.title, bodyOf(s));
    const copy = editedLead(stories[2] as NewsArticle);
    expect(claim(99, copy.title, bodyOf(copy)).isNew).toBe(false);
    db.prepare = prepare;
    const selects = seen.filter((sql) => /^\s*SELECT/i.test(sql));
    expect(selects.length).toBeGreaterThanOrEqual(3);
    for (const sql of selects) {
      const params = (sql.match(/\?/g) ?? []).map(() => 'x');
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail);
      expect(plan.filter((d) => /^SCAN (article_fingerprints|story_bands|stories)\b/.test(d)), sql).toEqual([]);
    }
  });
});

describe('claimStory under concurrency', () => {
  it('two processes claiming copies of the same stories at once open exactly one story each', async () => {
    const rounds = 100;
    const file = join(dir, 'vigie.db');
    db.exec(STORY_SCHEMA);
    const worker = fileURLToPath(new URL('./story-claim-worker.ts', import.meta.url));
    const children = [0, 1].map((i) =>
      fork(worker, [file, String(i), String(rounds)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
    );
    await Promise.all(children.map((c) => new Promise((resolve) => c.once('message', resolve))));
    const done = children.map(
      (c) =>
        new Promise<Array<ClaimResult & { round: number }>>((resolve, reject) => {
          c.once('message', (m: { results: Array<ClaimResult & { round: number }> }) => resolve(m.results));
          c.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`worker exited ${code}`))));
        }),
    );
    const slotMs = 15;
    const startAt = Date.now() + 300;
    for (const c of children) c.send({ startAt, slotMs });
    const [a, b] = await Promise.all(done);
    expect(a).toHaveLength(rounds);
    expect(b).toHaveLength(rounds);
    let secondWon = 0;
    for (let round = 0; round < rounds; round++) {
      const x = a?.[round] as ClaimResult;
      const y = b?.[round] as ClaimResult;
      expect(x.storyId, `round ${round}`).toBe(y.storyId);
      expect(Number(x.isNew) + Number(y.isNew), `round ${round}`).toBe(1);
      if (y.isNew) secondWon++;
    }
    expect(count('SELECT count(*) AS n FROM stories')).toBe(rounds);
    // Both processes opened stories: they really raced rather than running one after the other.
    const won = `second process opened ${secondWon} of ${rounds} stories`;
    expect(secondWon, won).toBeGreaterThan(0);
    expect(secondWon, won).toBeLessThan(rounds);
  }, 60_000);
});
