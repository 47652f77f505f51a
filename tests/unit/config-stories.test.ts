// `stories:`: translations grouped by default within 7 days; a bad value is a config error naming its field.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';
import { configProblems } from '../helpers/config-problems.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-config-stories-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const load = (stories?: unknown) => loadConfig({ object: stories === undefined ? {} : { stories }, env: {}, cwd: dir });

const problems = (stories: unknown) => configProblems(() => load(stories));

describe('stories', () => {
  it('groups translations by default, within 7 days', () => {
    expect(load().stories).toEqual({ translations: true, translationWindow: 7 * 86_400_000 });
    expect(load({ translations: false, translationWindow: '48h' }).stories).toEqual({ translations: false, translationWindow: 48 * 3_600_000 });
  });

  it('names the field of a bad value', () => {
    expect(problems({ translations: 'yes' })).toEqual([expect.stringMatching(/^stories\.translations: expected true or false/)]);
    expect(problems({ translationWindow: 'a week' })).toEqual([expect.stringMatching(/^stories\.translationWindow: expected a duration like 7d or 48h/)]);
    expect(problems({ translate: true })).toEqual([expect.stringMatching(/^stories: .*translate/)]);
  });
});
