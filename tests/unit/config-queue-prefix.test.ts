import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.ts';
import { configProblems } from '../helpers/config-problems.ts';

const dir = mkdtempSync(join(tmpdir(), 'vigie-config-prefix-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const prefixOf = (queuePrefix?: unknown) => loadConfig({ object: queuePrefix === undefined ? {} : { queuePrefix }, env: {}, cwd: dir }).queuePrefix;

const problemsOf = (queuePrefix: unknown) => configProblems(() => prefixOf(queuePrefix));

const refused = (prefix: string) =>
  `queuePrefix: expected letters, digits, ":", "_" and "-", after at most one hash tag at the very start, like "{vigie}" or "{team-a}" ` +
  `(Redis Cluster hashes only the first {...}, so one tag puts all the keys in one slot), got "${prefix}"`;

describe('queuePrefix', () => {
  it('defaults to the hash tag {vigie}, so every key of an install hashes to one Redis Cluster slot', () => {
    expect(prefixOf()).toBe('{vigie}');
  });

  it('takes one tag at the start, with or without more after it, and plain prefixes as before', () => {
    for (const prefix of ['{vigie}', '{team-a}', '{team_b}:prod', '{acme:vigie}', '{vigie}-staging', 'vigie', 'vigie-test-0a1b2c', 'team:vigie']) {
      expect(prefixOf(prefix)).toBe(prefix);
    }
  });

  it('refuses braces anywhere but one tag at the start, an empty tag, and other characters, saying why', () => {
    for (const prefix of ['vigie{a}', '{a}{b}', '{}', '{vigie', 'vigie}', '{a}b}', '{vi gie}', 'vigie prod', 'vigie/prod', 'vigie*']) {
      expect(problemsOf(prefix), prefix).toEqual([refused(prefix)]);
    }
    expect(problemsOf('')).toEqual(['queuePrefix: expected a prefix like "{vigie}"']);
  });

  it('an unquoted {vigie} in YAML (a mapping) is told to be quoted', () => {
    const file = join(dir, 'unquoted.yaml');
    writeFileSync(file, 'queuePrefix: {vigie}\n');
    try {
      loadConfig({ file, env: {} });
      throw new Error('loaded');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems).toEqual([
        'queuePrefix: expected a string; quote a hash tag in YAML, as in queuePrefix: "{vigie}" (unquoted, {vigie} is a mapping)',
      ]);
    }
    const quoted = join(dir, 'quoted.yaml');
    writeFileSync(quoted, 'queuePrefix: "{team-a}"\n');
    expect(loadConfig({ file: quoted, env: {} }).queuePrefix).toBe('{team-a}');
  });
});
