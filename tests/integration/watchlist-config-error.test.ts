// A watchlist term that can never match passes the schema (only the matcher can judge it) but must still stop
// every command at start as a config error naming its field, exit code 2, before Redis or the store is touched.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.ts';
import { ConfigError, loadConfig } from '../../src/config/index.ts';
import { createLogger } from '../../src/create-logger.ts';
import { configWatchlists } from '../../src/jobs/use-cases/config-watchlists.ts';
import type { Store } from '../../src/store/index.ts';
import { useCaseDeps } from '../../src/use-case-deps.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const watchlists = (badTerms: string[], exclude: string[] = []) => [
  { id: 'baltic', terms: ['Baltic air policing'] },
  { id: 'air-defence', terms: ['Patriot', 'SAMP/T | Mamba', ...badTerms], exclude },
];

function thrown(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

describe('a watchlist term that can never match is a config error', () => {
  it('names the field and what is wrong: an empty alias, a term of punctuation only, an exclude term', () => {
    const load = (w: unknown) => loadConfig({ env: {}, object: { watchlists: w } });
    const empty = thrown(() => configWatchlists(load(watchlists(['SAMP/T | | Mamba']))));
    expect(empty.problems).toEqual(['watchlists[1].terms[2]: alias 2 of "SAMP/T | | Mamba" is empty']);
    expect(empty.message).toContain('watchlists[1].terms[2]: alias 2 of "SAMP/T | | Mamba" is empty');
    const punct = thrown(() => configWatchlists(load(watchlists(['--/--']))));
    expect(punct.problems).toHaveLength(1);
    expect(punct.problems[0]).toMatch(/^watchlists\[1\]\.terms\[2\]: .+/);
    const excl = thrown(() => configWatchlists(load(watchlists([], ['jeu vidéo', '...']))));
    expect(excl.problems[0]).toMatch(/^watchlists\[1\]\.exclude\[1\]: .+/);
    // A good config compiles, once per config object.
    const good = load(watchlists([]));
    expect(configWatchlists(good)).toBe(configWatchlists(good));
    expect(configWatchlists(good).match('Patriot batteries', '').map((m) => m.id)).toEqual(['air-defence']);
  });

  it('useCaseDeps refuses such a config before building anything', async () => {
    const config = loadConfig({ env: {}, object: { watchlists: watchlists(['SAMP/T | | Mamba']) } });
    await expect(useCaseDeps(config, null as unknown as Store, createLogger('silent'))).rejects.toThrow(/watchlists\[1\]\.terms\[2\]: alias 2/);
  });

  it.each([['start'], ['worker'], ['server'], ['start', '--once']])('`vigie %s` exits 2 and says the field', async (...command) => {
    const dir = mkdtempSync(join(tmpdir(), 'vigie-bad-term-'));
    dirs.push(dir);
    const file = join(dir, 'vigie.config.yaml');
    // Redis on a port nothing listens on: reaching it would be exit 1, not 2.
    writeFileSync(
      file,
      [
        'redis: redis://127.0.0.1:1',
        `storage: ${JSON.stringify(join(dir, 'storage'))}`,
        'watchlists:',
        '  - id: baltic',
        '    terms: ["Baltic air policing"]',
        '  - id: air-defence',
        '    terms: ["Patriot", "SAMP/T | Mamba", "SAMP/T | | Mamba"]',
        '',
      ].join('\n'),
    );
    const err: string[] = [];
    const code = await main([...command, '--config', file], { out: () => {}, err: (t) => err.push(t), env: { LOG_LEVEL: 'silent' }, stopSignal: () => new Promise(() => {}) });
    expect(code).toBe(2);
    expect(err.join('\n')).toContain('watchlists[1].terms[2]: alias 2 of "SAMP/T | | Mamba" is empty');
  });
});
