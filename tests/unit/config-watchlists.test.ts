import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Channel } from '../../src/alerts/channels/index.ts';
import { loadConfig, type ChannelConfig, type Config } from '../../src/config/index.ts';
import { configProblems } from '../helpers/config-problems.ts';

const SECRET = `whsec_${Buffer.alloc(24, 7).toString('base64')}`;
const SLACK = 'https://hooks.slack.com/services/T000/B000/XXXXSLACKTOKEN';
const TEAMS = 'https://prod-00.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?sig=TEAMSSIG';
const DISCORD = 'https://discord.com/api/webhooks/123/DISCORDTOKEN';
const SMTP = 'smtp://vigie:hunter22@mail.example.org:587';

const sources = [
  { id: 'european-security', url: 'https://european-security.example.org/news' },
  { id: 'opex360', url: 'https://opex360.example.org/' },
];
const channels = [
  { id: 'air-desk', slack: SLACK },
  { id: 'teams-desk', teams: TEAMS },
  { id: 'discord-desk', discord: DISCORD },
  { id: 'relay', webhook: { url: 'https://hooks.example.org/vigie', secret: SECRET } },
  { id: 'morning-mail', email: { to: ['desk@example.org', 'chief@example.org'], from: 'vigie@example.org', smtp: SMTP } },
];
const airDefence = {
  id: 'air-defence',
  terms: ['SAMP/T | SAMP-T | Mamba', 'Patriot'],
  exclude: ['jeu vidéo'],
  sources: ['european-security'],
  notify: ['air-desk', 'teams-desk'],
  digest: { cron: '0 7 * * 1-5', tz: 'Europe/Paris', notify: ['morning-mail'], sendEmpty: false },
};

const load = (object: Record<string, unknown>): Config => loadConfig({ object: { sources, ...object }, env: {}, cwd: '/tmp' });

const problems = (object: Record<string, unknown>) => configProblems(() => load(object));

/** One watchlist over the full channels, with `patch` applied. */
const watchlist = (patch: Record<string, unknown>) => ({ channels, watchlists: [{ ...airDefence, ...patch }] });

// Compile-time: a parsed chat or email channel is what sendChannel takes, with no reshaping.
const asChannel = (c: ChannelConfig): Channel | null => (c.kind === 'webhook' ? null : c);

describe('channels and watchlists', () => {
  it('parses the full example into channels by kind and watchlists with their references, frozen', () => {
    const config = load({ channels, watchlists: [airDefence, { id: 'baltic', terms: ['Baltic air policing'] }] });
    expect(config.channels).toEqual([
      { id: 'air-desk', kind: 'slack', url: SLACK },
      { id: 'teams-desk', kind: 'teams', url: TEAMS },
      { id: 'discord-desk', kind: 'discord', url: DISCORD },
      { id: 'relay', kind: 'webhook', url: 'https://hooks.example.org/vigie', secret: SECRET },
      { id: 'morning-mail', kind: 'email', to: ['desk@example.org', 'chief@example.org'], from: 'vigie@example.org', smtp: SMTP },
    ]);
    expect(config.watchlists).toEqual([
      {
        id: 'air-defence',
        terms: ['SAMP/T | SAMP-T | Mamba', 'Patriot'],
        exclude: ['jeu vidéo'],
        sources: ['european-security'],
        notify: ['air-desk', 'teams-desk'],
        digest: { cron: '0 7 * * 1-5', tz: 'Europe/Paris', notify: ['morning-mail'], sendEmpty: false },
      },
      // Neither notify nor digest: dashboard and feed only. Absent sources: every source.
      { id: 'baltic', terms: ['Baltic air policing'], exclude: [], sources: null, notify: [], digest: null },
    ]);
    expect(asChannel(config.channels[0]!)).toEqual({ id: 'air-desk', kind: 'slack', url: SLACK });
    expect(Object.isFrozen(config.channels[4])).toBe(true);
    expect(Object.isFrozen(config.watchlists[0]!.digest!.notify)).toBe(true);
  });

  it('none by default; a digest takes UTC and sendEmpty false unless told', () => {
    const config = load({});
    expect(config.channels).toEqual([]);
    expect(config.watchlists).toEqual([]);
    const digest = load(watchlist({ digest: { cron: '30 6 * * *', notify: ['morning-mail'] } })).watchlists[0]!.digest;
    expect(digest).toEqual({ cron: '30 6 * * *', tz: 'UTC', notify: ['morning-mail'], sendEmpty: false });
    const empty = load(watchlist({ digest: { cron: '30 6 * * *', tz: 'America/New_York', notify: ['air-desk'], sendEmpty: true } })).watchlists[0]!.digest;
    expect(empty).toEqual({ cron: '30 6 * * *', tz: 'America/New_York', notify: ['air-desk'], sendEmpty: true });
  });

  it('http only to a loopback host (local receivers, tests); https anywhere', () => {
    for (const url of ['http://127.0.0.1:8080/slack', 'http://localhost:9000/x', 'http://[::1]:3000/hook']) {
      expect(load({ channels: [{ id: 'local', slack: url }] }).channels[0]).toEqual({ id: 'local', kind: 'slack', url });
    }
    expect(problems({ channels: [{ id: 'a', discord: 'http://discord.com/api/webhooks/123/DISCORDTOKEN' }] })).toEqual([
      'channels[0].discord: expected an https URL (http only to a loopback host), got http://discord.com…',
    ]);
    expect(problems({ channels: [{ id: 'a', webhook: { url: 'http://10.0.0.5/vigie/TOKEN', secret: SECRET } }] })).toEqual([
      'channels[0].webhook.url: expected an https URL (http only to a loopback host), got http://10.0.0.5…',
    ]);
    expect(problems({ channels: [{ id: 'a', teams: 'ftp://files.example.org/TOKEN' }] })).toEqual([
      'channels[0].teams: expected an https URL (http only to a loopback host), got ftp://files.example.org…',
    ]);
    expect(problems({ channels: [{ id: 'a', slack: 'hooks.slack.com/services/TOKEN' }] })).toEqual([
      'channels[0].slack: expected an https URL (http only to a loopback host)',
    ]);
    expect(problems({ channels: [{ id: 'a', slack: 42 }] })).toEqual(['channels[0].slack: expected an https URL (http only to a loopback host)']);
  });

  it('a channel has exactly one kind; its id is checked and unique', () => {
    expect(problems({ channels: [{ id: 'a' }] })).toEqual(['channels[0]: expected exactly one of slack, teams, discord, webhook, email, got none']);
    expect(problems({ channels: [{ id: 'a', slack: SLACK, discord: DISCORD }] })).toEqual([
      'channels[0]: expected exactly one of slack, teams, discord, webhook, email, got slack and discord',
    ]);
    expect(problems({ channels: [{ id: 'a', matrix: 'https://matrix.example.org/' }] })).toEqual([
      'channels[0]: unknown field(s) "matrix"',
      'channels[0]: expected exactly one of slack, teams, discord, webhook, email, got none',
    ]);
    expect(problems({ channels: [{ id: 'Air Desk', slack: SLACK }] })).toEqual([
      'channels[0].id: expected an id of lower-case letters, digits and dashes, like "my-site"',
    ]);
    expect(problems({ channels: [{ slack: SLACK }] })).toEqual(['channels[0].id: expected an id of lower-case letters, digits and dashes']);
    expect(problems({ channels: [...channels, { id: 'relay', teams: TEAMS }] })).toEqual(['channels[5].id: duplicate id "relay" (also channels[3])']);
    expect(problems({ channels: { id: 'a', slack: SLACK } })).toEqual(['channels: expected a list of channels']);
  });

  it('email: a non-empty list of addresses, a from address, an smtp(s) URL whose password is never shown', () => {
    const email = (patch: Record<string, unknown>) => ({ channels: [{ id: 'mail', email: { to: ['desk@example.org'], from: 'vigie@example.org', smtp: SMTP, ...patch } }] });
    expect(load(email({ smtp: 'smtps://mail.example.org:465' })).channels[0]).toMatchObject({ kind: 'email', smtp: 'smtps://mail.example.org:465' });
    expect(problems(email({ to: [] }))).toEqual(['channels[0].email.to: expected at least one address']);
    expect(problems(email({ to: 'desk@example.org' }))).toEqual(['channels[0].email.to: expected a list of addresses like [desk@example.org]']);
    expect(problems(email({ to: ['desk@example.org', 'desk at example.org'] }))).toEqual([
      'channels[0].email.to[1]: expected an email address like desk@example.org, got "desk at example.org"',
    ]);
    expect(problems(email({ from: 'Vigie <vigie@example.org>' }))).toEqual([
      'channels[0].email.from: expected an email address like desk@example.org, got "Vigie <vigie@example.org>"',
    ]);
    expect(problems(email({ from: undefined }))).toEqual(['channels[0].email.from: expected an email address like desk@example.org']);
    expect(problems(email({ smtp: 'https://vigie:hunter22@mail.example.org' }))).toEqual([
      'channels[0].email.smtp: expected an smtp:// or smtps:// URL like "smtp://user:pass@mail.example.org:587", got https://mail.example.org…',
    ]);
    // Not a URL at all (port out of range): nothing of it is quoted.
    expect(problems(email({ smtp: 'smtp://vigie:hunter22@mail.example.org:70000' }))).toEqual([
      'channels[0].email.smtp: expected an smtp:// or smtps:// URL like "smtp://user:pass@mail.example.org:587"',
    ]);
    expect(problems(email({ smtp: 'smtp:///vigie' }))).toEqual([
      'channels[0].email.smtp: expected an smtp:// or smtps:// URL like "smtp://user:pass@mail.example.org:587"',
    ]);
    expect(problems(email({ cc: ['a@example.org'] }))).toEqual(['channels[0].email: unknown field(s) "cc"']);
    expect(problems({ channels: [{ id: 'mail', email: 'desk@example.org' }] })).toEqual([
      'channels[0].email: expected { to: [addresses], from: address, smtp: URL }',
    ]);
  });

  it('a webhook channel takes a Standard Webhooks secret, checked as webhooks[] secrets are', () => {
    const hook = (secret: unknown) => ({ channels: [{ id: 'relay', webhook: { url: 'https://hooks.example.org/vigie', secret } }] });
    expect(problems(hook('whsec_REPLACE_ME'))[0]).toMatch(/^channels\[0\]\.webhook\.secret: still the example's placeholder; make a secret with {2}node -e /);
    expect(problems(hook('hunter2'))).toEqual(['channels[0].webhook.secret: expected a Standard Webhooks secret like whsec_<base64>']);
    expect(problems(hook('whsec_c2hvcnQ='))).toEqual(['channels[0].webhook.secret: the secret key must be at least 16 bytes']);
    expect(problems(hook(undefined))).toEqual(['channels[0].webhook.secret: expected a Standard Webhooks secret like whsec_<base64>']);
  });

  it('no error quotes a channel URL beyond its scheme and host, nor an SMTP password', () => {
    const all = problems({
      channels: [
        { id: 'a', slack: 'http://hooks.slack.com/services/T000/B000/XXXXSLACKTOKEN' },
        { id: 'b', teams: 'ftp://prod-00.westeurope.logic.azure.com/workflows/abc?sig=TEAMSSIG' },
        { id: 'c', webhook: { url: 'http://hooks.example.org/WEBHOOKTOKEN', secret: SECRET } },
        { id: 'd', email: { to: ['desk@example.org'], from: 'vigie@example.org', smtp: 'imap://vigie:hunter22@mail.example.org' } },
        { id: 'e', email: { to: ['desk@example.org'], from: 'vigie@example.org', smtp: 'smtp://vigie:hunter22@mail.example.org:70000' } },
      ],
    });
    expect(all).toHaveLength(5);
    for (const secret of ['XXXXSLACKTOKEN', 'services', 'TEAMSSIG', 'workflows', 'WEBHOOKTOKEN', 'hunter', 'vigie:']) {
      expect(all.join('\n')).not.toContain(secret);
    }
  });

  it('a watchlist has an id, at least one non-empty term, and non-empty exclusions', () => {
    expect(problems(watchlist({ terms: [] }))).toEqual(['watchlists[0].terms: expected at least one term']);
    expect(problems(watchlist({ terms: undefined }))).toEqual(['watchlists[0].terms: expected a list of terms like ["SAMP/T | Mamba", "Patriot"]']);
    expect(problems(watchlist({ terms: 'Patriot' }))).toEqual(['watchlists[0].terms: expected a list of terms like ["SAMP/T | Mamba", "Patriot"]']);
    expect(problems(watchlist({ terms: ['Patriot', '  '] }))).toEqual(['watchlists[0].terms[1]: expected a non-empty term']);
    expect(problems(watchlist({ terms: ['Patriot', 7] }))).toEqual(['watchlists[0].terms[1]: expected a term, a string like "SAMP/T | Mamba"']);
    expect(problems(watchlist({ exclude: [''] }))).toEqual(['watchlists[0].exclude[0]: expected a non-empty term']);
    expect(problems(watchlist({ id: 'Air_Defence' }))).toEqual([
      'watchlists[0].id: expected an id of lower-case letters, digits and dashes, like "my-site"',
    ]);
    expect(problems(watchlist({ keywords: ['x'] }))).toEqual(['watchlists[0]: unknown field(s) "keywords"']);
    expect(problems({ channels, watchlists: [airDefence, { id: 'air-defence', terms: ['Rafale F5'] }] })).toEqual([
      'watchlists[1].id: duplicate id "air-defence" (also watchlists[0])',
    ]);
  });

  it('sources, notify and digest.notify name configured sources and channels', () => {
    expect(problems(watchlist({ sources: ['european-security', 'opex-360'] }))).toEqual(['watchlists[0].sources[1]: no source has the id "opex-360"']);
    expect(problems(watchlist({ sources: [] }))).toEqual(['watchlists[0].sources: expected at least one source id; leave sources out to watch every source']);
    expect(problems(watchlist({ notify: ['air-desk', 'air-dsk'] }))).toEqual(['watchlists[0].notify[1]: no channel has the id "air-dsk"']);
    expect(problems(watchlist({ notify: ['air-desk', 'teams-desk', 'air-desk'] }))).toEqual([
      'watchlists[0].notify[2]: channel "air-desk" listed twice (also notify[0])',
    ]);
    expect(problems(watchlist({ digest: { cron: '0 7 * * *', notify: ['morning-mai'] } }))).toEqual([
      'watchlists[0].digest.notify[0]: no channel has the id "morning-mai"',
    ]);
    expect(problems({ watchlists: [{ ...airDefence, digest: undefined }] })).toEqual([
      'watchlists[0].notify[0]: no channel has the id "air-desk"',
      'watchlists[0].notify[1]: no channel has the id "teams-desk"',
    ]);
  });

  it('a digest: cron checked like sources[].cron, an IANA zone, at least one channel, sendEmpty a boolean', () => {
    const digest = (patch: Record<string, unknown>) => watchlist({ digest: { ...airDefence.digest, ...patch } });
    expect(problems(digest({ cron: '0 7 * *' }))).toEqual([
      'watchlists[0].digest.cron: expected a cron pattern of 5 or 6 fields, like "*/5 * * * *", got "0 7 * *"',
    ]);
    expect(problems(digest({ cron: '0 25 * * *' }))).toEqual(['watchlists[0].digest.cron: the hour field "25" expects 0-23']);
    expect(problems(digest({ cron: undefined }))).toEqual(['watchlists[0].digest.cron: expected a cron pattern like "0 7 * * 1-5"']);
    expect(problems(digest({ tz: 'Paris' }))).toEqual(['watchlists[0].digest.tz: expected an IANA time zone like "Europe/Paris" or "UTC", got "Paris"']);
    expect(problems(digest({ tz: '+01:00' }))).toEqual(['watchlists[0].digest.tz: expected an IANA time zone like "Europe/Paris" or "UTC", got "+01:00"']);
    expect(problems(digest({ notify: [] }))).toEqual(['watchlists[0].digest.notify: expected at least one channel id']);
    expect(problems(digest({ notify: undefined }))).toEqual(['watchlists[0].digest.notify: expected a list of channel ids like [air-desk]']);
    expect(problems(digest({ sendEmpty: 'no' }))).toEqual(['watchlists[0].digest.sendEmpty: expected true or false']);
    expect(problems(digest({ every: '1d' }))).toEqual(['watchlists[0].digest: unknown field(s) "every"']);
    expect(problems(watchlist({ digest: '0 7 * * *' }))).toEqual(['watchlists[0].digest: expected { cron, tz, notify: [channel ids], sendEmpty }']);
  });

  it('webhooks[].events may subscribe to watchlist.match', () => {
    const config = load({ webhooks: [{ url: 'https://hooks.example.org/vigie', secret: SECRET, events: ['article.new', 'watchlist.match'] }] });
    expect(config.webhooks[0]!.events).toEqual(['article.new', 'watchlist.match']);
    expect(problems({ webhooks: [{ url: 'https://hooks.example.org/vigie', secret: SECRET, events: ['watchlist.matched'] }] })).toEqual([
      'webhooks[0].events[0]: expected one of article.new, article.duplicate, source.degraded, source.recovered, watchlist.match',
    ]);
  });
});

describe('examples/vigie.config.yaml', () => {
  it('its commented-out channels and watchlists load once uncommented, with real secrets', () => {
    const text = readFileSync(new URL('../../examples/vigie.config.yaml', import.meta.url), 'utf8');
    const start = text.indexOf('# channels:');
    expect(start).toBeGreaterThan(0);
    const block = text.slice(start).split('\n').map((line) => line.replace(/^# ?/, '')).join('\n');
    const dir = mkdtempSync(join(tmpdir(), 'vigie-watchlists-'));
    const file = join(dir, 'vigie.config.yaml');
    writeFileSync(file, (text.slice(0, start) + block).replaceAll('whsec_REPLACE_ME', SECRET));
    try {
      const config = loadConfig({ file, env: {} });
      expect(config.channels.map((c) => `${c.id}:${c.kind}`)).toEqual(['air-desk:slack', 'teams-desk:teams', 'discord-desk:discord', 'relay:webhook', 'morning-mail:email']);
      expect(config.watchlists).toEqual([
        {
          id: 'air-defence',
          terms: ['SAMP/T | SAMP-T | Mamba', 'Patriot', 'défense sol-air | ground-based air defence'],
          exclude: ['jeu vidéo'],
          sources: ['european-security'],
          notify: ['air-desk'],
          digest: { cron: '0 7 * * 1-5', tz: 'Europe/Paris', notify: ['morning-mail'], sendEmpty: false },
        },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
