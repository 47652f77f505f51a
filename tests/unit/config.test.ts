import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, hostIntervalFor, loadConfig, type Config } from '../../src/config/index.ts';

const SECRET = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
const source = (id: string, extra: Record<string, unknown> = {}) => ({ id, url: `https://${id}.example.org/news`, ...extra });

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-config-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeConfig(name: string, yaml: string): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, yaml);
  return path;
}

/** The problems of a config that must fail; fails the test when it loads. */
function problemsOf(load: () => Config): { problems: string[]; error: ConfigError } {
  try {
    load();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return { problems: (err as ConfigError).problems, error: err as ConfigError };
  }
  throw new Error('the config loaded, but it should have failed');
}

const objectProblems = (object: unknown, env: NodeJS.ProcessEnv = {}) => problemsOf(() => loadConfig({ object, env, cwd: dir })).problems;

describe('loadConfig defaults', () => {
  it('fills redis, storage, server, render and a 15 min schedule from a minimal object', () => {
    const config = loadConfig({ object: { sources: [source('a')] }, env: {}, cwd: dir });
    expect(config.redis).toBe('redis://127.0.0.1:6379');
    expect(config.storage).toBe(join(dir, 'storage'));
    expect(config.server).toEqual({ host: '127.0.0.1', port: 3000 });
    expect(config.sources[0]).toMatchObject({ id: 'a', render: 'http', schedule: { everyMs: 15 * 60_000 } });
    expect(config.webhooks).toEqual([]);
    expect(config.delivery).toEqual({ timeout: 15_000, retryFor: 24 * 3_600_000, firstRetry: 5_000, maxRetryDelay: 3_600_000 });
    expect(config.reconcile).toEqual({ every: 60_000 });
  });

  it('a retry delay cap below the first retry names delivery.maxRetryDelay; a bad reconcile.every names it', () => {
    expect(objectProblems({ delivery: { firstRetry: '10s', maxRetryDelay: '5s' } })).toEqual([
      'delivery.maxRetryDelay: must be at least delivery.firstRetry (10000 ms), got 5000 ms',
    ]);
    expect(objectProblems({ reconcile: { every: 'often' } })).toEqual(['reconcile.every: expected a duration like 1m or 10s, got "often"']);
  });

  it('resolves storage relative to the config file folder, not the working directory', () => {
    const file = writeConfig('nested/deeper/vigie.config.yaml', 'storage: ./data\nsources: []\n');
    const config = loadConfig({ file, env: {}, cwd: tmpdir() });
    expect(config.storage).toBe(join(dir, 'nested/deeper/data'));
    expect(config.origin).toBe(file);
    const defaulted = loadConfig({ file: writeConfig('nested/other.yaml', 'sources: []\n'), env: {}, cwd: tmpdir() });
    expect(defaulted.storage).toBe(join(dir, 'nested/storage'));
  });

  it('reads ./vigie.config.yaml from the working directory when no file is named', () => {
    const cwd = join(dir, 'cwd-default');
    mkdirSync(cwd, { recursive: true });
    writeFileSync(join(cwd, 'vigie.config.yaml'), 'sources:\n  - id: from-cwd\n    url: https://a.example.org/\n');
    expect(loadConfig({ env: {}, cwd }).sources.map((s) => s.id)).toEqual(['from-cwd']);
  });
});

describe('schedules', () => {
  it('parses every as milliseconds and keeps cron as a pattern', () => {
    const config = loadConfig({
      object: { sources: [source('a', { every: '30s' }), source('b', { every: '5m' }), source('c', { every: '1h' }), source('d', { cron: '*/5 * * * *' })] },
      env: {},
      cwd: dir,
    });
    expect(config.sources.map((s) => s.schedule)).toEqual([{ everyMs: 30_000 }, { everyMs: 300_000 }, { everyMs: 3_600_000 }, { cron: '*/5 * * * *' }]);
  });

  it('refuses a cron pattern the scheduler would refuse, on sources[i].cron', () => {
    const cron = (pattern: unknown) => objectProblems({ sources: [source('a'), source('b', { cron: pattern })] });
    expect(cron('61 * * * *')).toEqual(['sources[1].cron: the minute field "61" expects 0-59']);
    expect(cron('0 0 * * 8')).toEqual(['sources[1].cron: the day-of-week field "8" expects 0-7 or names like sun']);
    expect(cron('bad bad bad bad bad')).toEqual(['sources[1].cron: the minute field "bad" expects 0-59']);
    expect(cron('*/0 * * * *')).toEqual(['sources[1].cron: the minute field "*/0" has a bad step "/0"']);
    expect(cron('0 0 0 * *')).toEqual(['sources[1].cron: the day-of-month field "0" expects 1-31']);
    expect(cron('5-1 * * * *')).toEqual(['sources[1].cron: the minute field "5-1" has a backwards range "5-1"']);
    expect(cron('0 0 * * 0,7')).toEqual(['sources[1].cron: the day-of-week field "0,7" repeats 0']);
    expect(cron('* * * *')).toEqual(['sources[1].cron: expected a cron pattern of 5 or 6 fields, like "*/5 * * * *", got "* * * *"']);
    expect(cron(5)).toEqual(['sources[1].cron: expected a cron pattern like "*/5 * * * *"']);
    const fine = ['*/5 * * * *', '0 9 * * mon-fri', '0 0 L * *', '0 0 * * 5#2', '30 */2 * * * *', '0 0 ? * *', '0 0 * JAN,feb *', '1-5/2 * * * 0,6'];
    const config = loadConfig({ object: { sources: fine.map((cron, i) => source(`s${i}`, { cron })) }, env: {}, cwd: dir });
    expect(config.sources.map((s) => s.schedule)).toEqual(fine.map((cron) => ({ cron })));
  });

  it('refuses every and cron together, on sources[i].cron', () => {
    const problems = objectProblems({ sources: [source('a'), source('b', { every: '5m', cron: '*/5 * * * *' })] });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^sources\[1\]\.cron: /);
  });
});

describe('errors name the field exactly', () => {
  it('a bad duration', () => {
    const problems = objectProblems({ sources: [source('a'), source('b'), source('c', { every: 'often' })] });
    expect(problems).toEqual(['sources[2].every: expected a duration like 30s, 5m or 1h, got "often"']);
  });

  it('a bad id', () => {
    const problems = objectProblems({ sources: [source('a'), { id: 'Bad Id!', url: 'https://x.example.org/' }] });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^sources\[1\]\.id: expected an id of lower-case letters, digits and dashes/);
  });

  it('a duplicate id names both indexes', () => {
    const problems = objectProblems({ sources: [source('a'), source('dup'), source('b'), source('dup')] });
    expect(problems).toEqual(['sources[3].id: duplicate id "dup" (also sources[1])']);
  });

  it('a bad url', () => {
    expect(objectProblems({ sources: [{ id: 'a', url: 'not a url' }] })).toEqual(['sources[0].url: expected an http(s) URL']);
    expect(objectProblems({ sources: [{ id: 'a', url: 'ftp://example.org/x' }] })).toEqual(['sources[0].url: expected an http(s) URL']);
  });

  it('an unknown field, at the top level and in a source', () => {
    expect(objectProblems({ sauces: [] })).toEqual(['(top level): unknown field(s) "sauces"']);
    expect(objectProblems({ sources: [source('a', { evry: '5m' })] })).toEqual(['sources[0]: unknown field(s) "evry"']);
  });

  it('a webhook URL given twice names both indexes (its id, and so its deliveries, are per URL), and shows only its scheme and host', () => {
    const hook = (url: string) => ({ url, secret: SECRET });
    const problems = objectProblems({ webhooks: [hook('https://a.example.org/h/T0SECRET'), hook('https://b.example.org/h'), hook('https://a.example.org/h/T0SECRET')] });
    expect(problems).toEqual(['webhooks[2].url: duplicate url (https://a.example.org…, also webhooks[0])']);
  });

  it('a bad webhook secret', () => {
    const problems = objectProblems({ webhooks: [{ url: 'https://hooks.example.org/', secret: SECRET }, { url: 'https://hooks.example.org/2', secret: 'hunter2' }] });
    expect(problems).toEqual(['webhooks[1].secret: expected a Standard Webhooks secret like whsec_<base64>']);
    const short = objectProblems({ webhooks: [{ url: 'https://hooks.example.org/', secret: 'whsec_c2hvcnQ=' }] });
    expect(short).toEqual(['webhooks[0].secret: the secret key must be at least 16 bytes']);
  });

  it('a bad event name', () => {
    const problems = objectProblems({ webhooks: [{ url: 'https://hooks.example.org/', secret: SECRET, events: ['article.new', 'article.nwe'] }] });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^webhooks\[0\]\.events\[1\]: expected one of article\.new, /);
  });

  it('reports every problem at once, and the origin in the message', () => {
    const { problems, error } = problemsOf(() =>
      loadConfig({ object: { sources: [source('a', { every: 'often' }), { id: 'b', url: 'nope' }] }, env: {}, cwd: dir }),
    );
    expect(problems).toHaveLength(2);
    expect(error.message).toContain('config object');
    expect(error.message).toContain('sources[0].every');
    expect(error.message).toContain('sources[1].url');
  });

  it('a YAML file with a bad field names the file and the field', () => {
    const file = writeConfig('bad-field.yaml', 'sources:\n  - id: a\n    url: https://a.example.org/\n    every: often\n');
    const { problems, error } = problemsOf(() => loadConfig({ file, env: {} }));
    expect(problems).toEqual(['sources[0].every: expected a duration like 30s, 5m or 1h, got "often"']);
    expect(error.origin).toBe(file);
    expect(error.message).toContain(file);
  });

  it('invalid YAML reports the file', () => {
    const file = writeConfig('broken.yaml', 'sources:\n  - id: a\n     url: [unclosed\n');
    const { problems, error } = problemsOf(() => loadConfig({ file, env: {} }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^not valid YAML: /);
    expect(error.message).toContain(file);
  });

  it('a missing file reports the file', () => {
    const file = join(dir, 'does-not-exist.yaml');
    const { problems, error } = problemsOf(() => loadConfig({ file, env: {} }));
    expect(problems[0]).toMatch(/^cannot read the config file: /);
    expect(error.message).toContain(file);
  });
});

describe('environment overrides', () => {
  const file = () => writeConfig('env/vigie.config.yaml', 'redis: redis://file-host:6379\nstorage: ./from-file\nserver: { host: 0.0.0.0, port: 4000 }\n');

  it('REDIS_URL, VIGIE_STORAGE and PORT override the file', () => {
    const cwd = join(dir, 'work');
    const config = loadConfig({ file: file(), env: { REDIS_URL: 'redis://env-host:6390', VIGIE_STORAGE: 'env-data', PORT: '8081' }, cwd });
    expect(config.redis).toBe('redis://env-host:6390');
    expect(config.storage).toBe(join(cwd, 'env-data'));
    expect(config.server).toEqual({ host: '0.0.0.0', port: 8081 });
  });

  it('without environment, the file wins', () => {
    const config = loadConfig({ file: file(), env: {} });
    expect(config.redis).toBe('redis://file-host:6379');
    expect(config.storage).toBe(join(dir, 'env/from-file'));
    expect(config.server.port).toBe(4000);
  });

  it('a non-numeric PORT is an error naming PORT', () => {
    const problems = objectProblems({}, { PORT: 'eighty' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^server\.port \(or PORT\): /);
  });

  it('a bad REDIS_URL or VIGIE_TOKEN names the variable as well as the field', () => {
    expect(objectProblems({}, { REDIS_URL: 'http://127.0.0.1:6379' })).toEqual(['redis (or REDIS_URL): expected a redis:// or rediss:// URL']);
    const problems = objectProblems({}, { VIGIE_TOKEN: 'short' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^server\.token \(or VIGIE_TOKEN\): /);
    expect(loadConfig({ object: {}, env: { VIGIE_TOKEN: 'long-enough-token' }, cwd: dir }).server.token).toBe('long-enough-token');
  });

  it('an object config ignores VIGIE_CONFIG: the object is the whole config', () => {
    const viaEnv = writeConfig('ignored/vigie.config.yaml', 'storage: ./elsewhere\nsources:\n  - id: from-file\n    url: https://a.example.org/\n');
    const config = loadConfig({ object: { sources: [source('from-object')] }, env: { VIGIE_CONFIG: viaEnv }, cwd: dir });
    expect(config.sources.map((s) => s.id)).toEqual(['from-object']);
    expect(config.origin).toBe('config object');
    expect(config.storage).toBe(join(dir, 'storage'));
  });

  it('VIGIE_CONFIG is used when no --config is given, and --config wins over it', () => {
    const viaEnv = writeConfig('via-env.yaml', 'sources:\n  - id: via-env\n    url: https://a.example.org/\n');
    const viaFlag = writeConfig('via-flag.yaml', 'sources:\n  - id: via-flag\n    url: https://a.example.org/\n');
    expect(loadConfig({ env: { VIGIE_CONFIG: viaEnv }, cwd: tmpdir() }).sources[0]!.id).toBe('via-env');
    expect(loadConfig({ file: viaFlag, env: { VIGIE_CONFIG: viaEnv } }).sources[0]!.id).toBe('via-flag');
  });
});

describe('the loaded config', () => {
  it('is deeply frozen', () => {
    const config = loadConfig({
      object: { sources: [source('a', { latest: { heading: 'Derniers articles' } })], webhooks: [{ url: 'https://hooks.example.org/', secret: SECRET }] },
      env: {},
      cwd: dir,
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.server)).toBe(true);
    expect(Object.isFrozen(config.sources)).toBe(true);
    expect(Object.isFrozen(config.sources[0])).toBe(true);
    expect(Object.isFrozen(config.sources[0]!.schedule)).toBe(true);
    expect(Object.isFrozen(config.sources[0]!.latest)).toBe(true);
    expect(Object.isFrozen(config.webhooks[0]!.events)).toBe(true);
    expect(() => {
      (config.server as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it('gives each webhook an id that depends on its URL only', () => {
    const hook = (url: string, events?: string[]) => ({ url, secret: SECRET, ...(events ? { events } : {}) });
    const one = loadConfig({ object: { webhooks: [hook('https://a.example.org/h'), hook('https://b.example.org/h')] }, env: {}, cwd: dir });
    const two = loadConfig({
      object: { sources: [source('x')], webhooks: [hook('https://c.example.org/h'), hook('https://b.example.org/h', ['source.degraded']), hook('https://a.example.org/h')] },
      env: {},
      cwd: dir,
    });
    const [a, b] = one.webhooks;
    expect(a!.id).toMatch(/^wh_[0-9a-f]{12}$/);
    expect(a!.id).not.toBe(b!.id);
    expect(two.webhooks[2]!.id).toBe(a!.id);
    expect(two.webhooks[1]!.id).toBe(b!.id);
    expect(a!.events).toEqual(['article.new']);
  });
});

describe('host spacing settings', () => {
  it('accepts hostInterval 0s, and per-host overrides keyed by host (case folded, port kept)', () => {
    const config = loadConfig({
      object: { crawl: { hostInterval: '0s' }, hosts: { 'WWW.Example.org': { interval: '250ms' }, '127.0.0.1:8080': { interval: '0ms' } }, sources: [source('a')] },
      env: {},
      cwd: dir,
    });
    expect(config.crawl.hostInterval).toBe(0);
    expect(hostIntervalFor(config, 'https://www.example.org/x')).toBe(250);
    expect(hostIntervalFor(config, 'http://127.0.0.1:8080/x')).toBe(0);
    expect(hostIntervalFor(config, 'http://127.0.0.1:8081/x')).toBe(0);
    expect(hostIntervalFor(config, 'https://other.example.org/')).toBe(0);
    expect(config.crawl.articleDeadline).toBe(3_600_000);
  });

  it('defaults to 1 s per host and names the field of a bad override', () => {
    expect(loadConfig({ object: {}, env: {}, cwd: dir }).crawl.hostInterval).toBe(1_000);
    expect(objectProblems({ hosts: { 'https://example.org/': { interval: '1s' } } })).toEqual([
      'hosts.https://example.org/: expected a host name like "www.example.org" or "127.0.0.1:8080", without scheme or path',
    ]);
    expect(objectProblems({ hosts: { 'example.org': { interval: 'soon' } } })).toEqual([
      'hosts.example.org.interval: expected a duration like 1s, 250ms or 0s, got "soon"',
    ]);
    expect(objectProblems({ sources: [source('a', { every: '0s' })] })).toEqual(['sources[0].every: expected a duration like 30s, 5m or 1h, got "0s"']);
    expect(objectProblems({ crawl: { articleDeadline: '0s' } })).toEqual(['crawl.articleDeadline: expected a duration like 1h or 30m, got "0s"']);
  });
});
