import { describe, expect, it } from 'vitest';
import {
  channelDigest,
  channelMessage,
  cutEscaped,
  cutText,
  DISCORD_LIMITS,
  discordPayload,
  EMAIL_LIMITS,
  emailContent,
  embedSize,
  escapeDiscord,
  escapeHtml,
  escapeSlack,
  escapeSlackMrkdwn,
  SLACK_LIMITS,
  slackPayload,
  smtpFate,
  TEAMS_LIMITS,
  teamsPayload,
  type ChannelMessage,
} from '../../src/alerts/index.ts';
import { cutTextStart } from '../../src/alerts/channels/cut-text.ts';
import type { WatchHit } from '../../src/watch/compile-watchlists.ts';

/** A WatchHit as the matcher makes it, for `before` + `matched` + `after` in the text. */
function hit(term: string, before: string, matched: string, after: string, cut = { before: false, after: false }): WatchHit {
  const text = before + matched + after;
  return {
    term,
    termIndex: 0,
    alias: term,
    matched,
    aliases: [term],
    excerpt: { field: 'text', start: before.length, end: before.length + matched.length, from: 0, to: text.length, text, hitStart: before.length, hitEnd: before.length + matched.length, cutBefore: cut.before, cutAfter: cut.after },
  };
}

function story(over: Partial<Parameters<typeof channelMessage>[0]> = {}): ChannelMessage {
  return channelMessage({
    storyId: 7,
    sourceId: 'european-security',
    title: 'SAMP/T batteries move east',
    url: 'https://news.example.org/a/7',
    lang: 'en',
    time: '2026-12-01T08:00:00Z',
    publicUrl: 'https://vigie.example.org',
    match: { id: 'air-defence', hits: [hit('SAMP/T | SAMP-T', 'Two ', 'SAMP/T', ' batteries moved.')] },
    ...over,
  });
}

/** Many long hits: more terms and text than any one message of any service may hold. */
const manyHits = (n: number, side = 2_000) =>
  Array.from({ length: n }, (_, i) => hit(`${'term '.repeat(80)}${i}`, `${'<before> *x* '.repeat(side / 13)}`, `HIT${i}`, ` ${'_after_ [y](z) '.repeat(side / 15)}`));

const hugeTitle = '<&>*_`@everyone [a](b) '.repeat(600);

const digestOf = (n: number, lists: number) =>
  channelDigest({
    from: '2026-12-01T07:00:00Z',
    to: '2026-12-02T07:00:00Z',
    items: Array.from({ length: n }, (_, i) => story({ storyId: i, title: `${'Story title with words '.repeat(8)}${i}`, match: { id: `list-${i % lists}`, hits: [hit('Patriot', 'The ', 'Patriot', ' system.')] } })),
  });

const isLoneSurrogate = (s: string) => /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

describe('cutText and cutEscaped', () => {
  it('leave a text that fits as it is; cut a long one to the limit with an ellipsis', () => {
    expect(cutText('short', 10)).toBe('short');
    const cut = cutText('a'.repeat(300), 150);
    expect(cut).toHaveLength(150);
    expect(cut.endsWith('…')).toBe(true);
    expect(cutText('word '.repeat(100), 12)).toBe('word word…');
  });

  it('cut on character boundaries: no half surrogate pair, emoji sequence or accent', () => {
    for (let max = 2; max < 40; max++) {
      const emoji = cutText('😀'.repeat(100), max);
      expect(emoji.length).toBeLessThanOrEqual(max);
      expect(isLoneSurrogate(emoji)).toBe(false);
      const family = cutText('👩‍👩‍👧‍👦'.repeat(20), max).replace(/…$/, '');
      expect(family.replaceAll('👩‍👩‍👧‍👦', '')).toBe('');
      const accents = cutText('e\u0301'.repeat(50), max).replace(/…$/, '');
      expect(accents.replaceAll('e\u0301', '')).toBe('');
    }
    // Far into a long text (boundaries are looked for near the cut only), from either end.
    const long = `${'x'.repeat(997)}${'👩‍👩‍👧‍👦😀e\u0301'.repeat(300)}`;
    for (let max = 1_000; max < 1_040; max++) {
      const head = cutText(long, max).replace(/…$/, '').slice(997);
      expect(head.replace(/👩‍👩‍👧‍👦|😀|e\u0301/g, ''), `cutText ${max}`).toBe('');
      const tail = cutTextStart(long.slice(997), max - 900).replace(/^…/, '');
      expect(tail.replace(/👩‍👩‍👧‍👦|😀|e\u0301/g, ''), `cutTextStart ${max}`).toBe('');
    }
  });

  it('cut before escaping: the result fits once escaped and never ends inside an escape', () => {
    const slack = cutEscaped('<'.repeat(1000), SLACK_LIMITS.header, escapeSlack);
    expect(slack.length).toBeLessThanOrEqual(SLACK_LIMITS.header);
    expect(slack).toMatch(/^(&lt;)+…$/);
    const discord = cutEscaped('*'.repeat(2000), DISCORD_LIMITS.title, escapeDiscord);
    expect(discord.length).toBeLessThanOrEqual(DISCORD_LIMITS.title);
    expect(discord).toMatch(/^(\\\*)+…$/);
    expect(cutEscaped('a<b', 10, escapeSlack)).toBe('a&lt;b');
  });
});

describe('escapes', () => {
  it('Slack: &, < and > as entities; mrkdwn markers cannot pair', () => {
    expect(escapeSlack('a & <b> <!channel>')).toBe('a &amp; &lt;b&gt; &lt;!channel&gt;');
    const m = escapeSlackMrkdwn('*bold* _it_ ~del~ `code`');
    // Every marker has a zero-width space on both sides, so none touches a word.
    expect(m.replace(/\u200B[*_~`]\u200B/g, '')).not.toMatch(/[*_~`]/);
    expect(m.replaceAll('\u200B', '')).toBe('*bold* _it_ ~del~ `code`');
  });

  it('Discord: markdown, masked links, mentions and leading list or heading marks', () => {
    expect(escapeDiscord('*b* _i_ ~~s~~ `c` ||sp|| [a](https://x) <@123> <t:1:f> \\')).toBe(
      '\\*b\\* \\_i\\_ \\~\\~s\\~\\~ \\`c\\` \\|\\|sp\\|\\| \\[a\\]\\(https://x\\) \\<@123\\> \\<t:1:f\\> \\\\',
    );
    expect(escapeDiscord('# Title')).toBe('\\# Title');
    expect(escapeDiscord('- item')).toBe('\\- item');
    expect(escapeDiscord('12. item')).toBe('12\\. item');
    expect(escapeDiscord('a - b')).toBe('a - b');
    expect(escapeDiscord('@everyone and @here')).toBe('@\u200Beveryone and @\u200Bhere');
  });

  it('HTML: text and attribute values', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});

describe('channelMessage', () => {
  it('keeps only http(s) links, a language tag, and a story link when a public URL is given', () => {
    for (const bad of ['javascript:alert(1)', 'data:text/html,<b>', '/relative', 'mailto:a@b', '']) expect(story({ url: bad }).originalUrl, bad).toBeNull();
    expect(story({ url: ' http://x.org ' }).originalUrl).toBe('http://x.org/');
    expect(story({ lang: 'pt-BR' }).lang).toBe('pt-BR');
    for (const bad of ['<script>', 'x', 'en us', '']) expect(story({ lang: bad }).lang, bad).toBeNull();
    expect(story().storyUrl).toBe('https://vigie.example.org/stories/7');
    expect(story({ publicUrl: null }).storyUrl).toBeNull();
    expect(story({ time: '2026-12-01T09:00:00+01:00' }).time).toBe('2026-12-01T08:00:00.000Z');
    expect(() => story({ time: 'yesterday' })).toThrow(/not a date/);
  });

  it('cleans a title: controls, bidi overrides and line breaks out; an empty one is (untitled)', () => {
    expect(story({ title: ' A\u202Ebc\u0007\r\n\tdef\u2066 ' }).title).toBe('Abc def');
    expect(story({ title: '\u0000 \n' }).title).toBe('(untitled)');
  });

  it('keeps the hit offsets right when hidden characters are dropped around it', () => {
    const m = story({ match: { id: 'w', hits: [hit('Patriot', 'x\u202E\u0000 the ', 'Patriot', '\u2067 system')] } });
    const e = m.match!.hits[0]!.excerpt;
    expect(e.text.slice(e.hitStart, e.hitEnd)).toBe('Patriot');
    expect(e.text).toBe('x the Patriot system');
  });
});

describe('slackPayload', () => {
  it('a story: the hit in bold between the escaped words around it', () => {
    const m = story({ match: { id: 'air-defence', hits: [hit('Patriot', 'a <b> & *c* ', 'Patriots', ' d', { before: true, after: true })] } });
    const texts = slackPayload(m).blocks.flatMap((b) => (b.type === 'section' ? [b.text.text] : []));
    expect(texts).toContain(`*Patriot*\n…a &lt;b&gt; &amp; \u200B*\u200Bc\u200B*\u200B *Patriots* d…`);
  });

  it('a story too big for a message stays within every limit and names the terms not shown', () => {
    const p = slackPayload(story({ title: hugeTitle, match: { id: 'w', hits: manyHits(60) } }));
    expect(p.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    expect(p.text.length).toBeLessThanOrEqual(SLACK_LIMITS.text);
    for (const b of p.blocks) {
      if (b.type === 'header') expect(b.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.header);
      if (b.type === 'section') expect(b.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.section);
      if (b.type === 'context') for (const e of b.elements) expect(e.text.length).toBeLessThanOrEqual(SLACK_LIMITS.section);
    }
    const last = p.blocks.filter((b) => b.type === 'context').at(-1);
    expect(last?.type === 'context' && last.elements[0]!.text).toMatch(/^And term/);
  });

  it('a digest of 2,000 stories: at most 50 blocks, each section within 3,000, the rest counted', () => {
    const p = slackPayload(digestOf(2_000, 30));
    expect(p.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    const lines = p.blocks.flatMap((b) => (b.type === 'section' ? b.text.text.split('\n').filter((l) => l.startsWith('• ')) : []));
    for (const b of p.blocks) if (b.type === 'section') expect(b.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.section);
    const last = p.blocks.at(-1)!;
    expect(last.type === 'context' && last.elements[0]!.text).toBe(`…and ${2_000 - lines.length} more not shown here.`);
    expect(lines.length).toBeGreaterThan(100);
  });
});

describe('discordPayload', () => {
  it('a story too big for an embed stays within every Discord limit', () => {
    const p = discordPayload(story({ title: hugeTitle, url: `https://x.org/${'a'.repeat(3_000)}`, match: { id: 'w', hits: manyHits(60) } }));
    const [e] = p.embeds;
    expect(e!.title!.length).toBeLessThanOrEqual(DISCORD_LIMITS.title);
    expect(e!.url).toBeUndefined();
    expect((e!.description ?? '').length).toBeLessThanOrEqual(DISCORD_LIMITS.description);
    expect(e!.fields!.length).toBeLessThanOrEqual(DISCORD_LIMITS.fields);
    for (const f of e!.fields!) {
      expect(f.name.length).toBeLessThanOrEqual(DISCORD_LIMITS.fieldName);
      expect(f.value.length).toBeLessThanOrEqual(DISCORD_LIMITS.fieldValue);
      expect(f.value.length).toBeGreaterThan(0);
    }
    expect(embedSize(e!)).toBeLessThanOrEqual(DISCORD_LIMITS.total);
    expect(e!.fields!.at(-1)!.name).toBe('More terms');
    expect(p.allowed_mentions).toEqual({ parse: [] });
  });

  it('a digest: at most 10 embeds and 6,000 characters, each line whole', () => {
    const p = discordPayload(digestOf(1_000, 14));
    expect(p.embeds.length).toBeLessThanOrEqual(DISCORD_LIMITS.embeds);
    expect(p.embeds.reduce((n, e) => n + embedSize(e), 0)).toBeLessThanOrEqual(DISCORD_LIMITS.total);
    const lines = p.embeds.flatMap((e) => (e.description ?? '').split('\n').filter(Boolean));
    for (const line of lines) expect(line).toMatch(/^• \[[^\]]+\]\(https:\/\/news\.example\.org\/a\/\d+\) — european-security, <t:\d+:f> · \*Patriot\*$/);
    expect(p.content).toBe(`**Vigie digest**: 1000 stories, 2026-12-01 07:00 – 2026-12-02 07:00 UTC (${1_000 - lines.length} more not shown here)`);
  });
});

describe('teamsPayload', () => {
  it('a story with many terms shows 20 and names the rest; the hit is its own highlighted run', () => {
    const card = teamsPayload(story({ match: { id: 'w', hits: manyHits(30, 100) } })).attachments[0]!.content;
    const hitRuns = card.body.flatMap((e) => (e.type === 'RichTextBlock' ? e.inlines.filter((r) => r.highlight) : []));
    expect(hitRuns.map((r) => r.text)).toEqual(Array.from({ length: TEAMS_LIMITS.hits }, (_, i) => `HIT${i}`));
    const last = card.body.at(-1)!;
    expect(last.type === 'RichTextBlock' && last.inlines[0]!.text).toMatch(/^And term/);
  });

  it('a digest stays under the card size Teams takes, and says how many were left out', () => {
    const payload = teamsPayload(digestOf(2_000, 20));
    expect(Buffer.byteLength(JSON.stringify(payload))).toBeLessThanOrEqual(TEAMS_LIMITS.bytes + 500);
    const card = payload.attachments[0]!.content;
    const last = card.body.at(-1)!;
    expect(last.type === 'TextBlock' && last.text).toMatch(/^…and \d+ more not shown here\.$/);
  });

  it('a stranger\'s text is never put in a TextBlock, where Teams would read markdown', () => {
    const hostile = '**x** [a](https://evil) <at>all</at>';
    const card = teamsPayload(channelDigest({ from: '2026-12-01T00:00:00Z', to: '2026-12-02T00:00:00Z', items: [story({ title: hostile })] })).attachments[0]!.content;
    const walk = (els: typeof card.body): string[] => els.flatMap((e) => (e.type === 'TextBlock' ? [e.text] : e.type === 'Container' ? walk(e.items) : []));
    for (const t of walk(card.body)) expect(t).not.toContain('evil');
    expect(JSON.stringify(card)).toContain(JSON.stringify(hostile));
  });
});

describe('emailContent', () => {
  it('the subject is one line within its limit, whatever the title holds', () => {
    const m = emailContent(story({ title: `Hello\r\nBcc: victim@example.org\r\n${'x'.repeat(500)}` }));
    expect(m.subject).not.toMatch(/[\r\n]/);
    expect(m.subject.length).toBeLessThanOrEqual(EMAIL_LIMITS.subject);
    expect(m.subject.startsWith('[Vigie] air-defence: Hello Bcc: victim@example.org x')).toBe(true);
  });

  it('HTML escapes every stranger text; plain text keeps it as written', () => {
    const m = emailContent(story({ title: '<img src=x onerror=alert(1)>', match: { id: 'w', hits: [hit('Patriot', '<b>', 'Patriot', '</b>"')] } }));
    expect(m.html).not.toMatch(/<img|<b>|<\/b>/);
    expect(m.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(m.html).toContain('&lt;b&gt;<mark style="font-weight:bold">Patriot</mark>&lt;/b&gt;&quot;');
    expect(m.text).toContain('<img src=x onerror=alert(1)>');
    expect(m.text).toContain('- Patriot: <b>*Patriot*</b>"');
  });

  it('a digest lists up to its limit and counts the rest', () => {
    const m = emailContent(digestOf(EMAIL_LIMITS.digestItems + 7, 3));
    expect(m.subject).toBe(`[Vigie] Digest: ${EMAIL_LIMITS.digestItems + 7} stories, 2026-12-01 07:00 – 2026-12-02 07:00 UTC`);
    expect(m.text).toContain('== Watchlist list-0:');
    expect(m.text.trimEnd().endsWith('…and 7 more not listed here.')).toBe(true);
    expect(m.html).toContain('<p>…and 7 more not listed here.</p>');
  });
});

describe('smtpFate', () => {
  it('4xx and 503 retry, other 5xx give up; without a reply, connection faults retry and config faults give up', () => {
    const fates = Object.fromEntries([421, 450, 451, 452, 454, 500, 503, 535, 550, 552, 554].map((c) => [c, smtpFate(c)]));
    expect(fates).toEqual({ 421: 'retry', 450: 'retry', 451: 'retry', 452: 'retry', 454: 'retry', 500: 'give-up', 503: 'retry', 535: 'give-up', 550: 'give-up', 552: 'give-up', 554: 'give-up' });
    for (const code of ['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'EPROTOCOL']) expect(smtpFate(null, code), code).toBe('retry');
    for (const code of ['ECONFIG', 'ENOAUTH', 'EAUTH', 'EENVELOPE']) expect(smtpFate(null, code), code).toBe('give-up');
  });
});
