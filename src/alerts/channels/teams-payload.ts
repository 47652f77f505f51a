import type { ChannelContent, ChannelDigest } from './channel-digest.ts';
import type { ChannelHit, ChannelMessage } from './channel-message.ts';
import { cutText } from './cut-text.ts';
import { excerptParts } from './excerpt-parts.ts';
import { utcPeriod, utcTime } from './utc-time.ts';

/**
 * Every stranger's text goes in a TextRun, which Adaptive Cards never read as markdown: a title like `*bold*` or
 * `[x](https://evil)` shows as written, with nothing to escape (a backslash would show). Only Vigie's own words go
 * in TextBlocks.
 */
export interface TextRun {
  type: 'TextRun';
  text: string;
  weight?: 'Bolder';
  size?: 'Small' | 'Large';
  isSubtle?: boolean;
  highlight?: boolean;
  selectAction?: OpenUrl;
}
export interface OpenUrl {
  type: 'Action.OpenUrl';
  title: string;
  url: string;
}
export type CardElement =
  | { type: 'TextBlock'; text: string; wrap: true; size?: 'Large'; weight?: 'Bolder'; isSubtle?: boolean; spacing?: 'Medium' }
  | { type: 'RichTextBlock'; inlines: TextRun[]; spacing?: 'Small' | 'Medium' }
  | { type: 'Container'; items: CardElement[]; separator?: true; spacing?: 'Medium' };

export interface AdaptiveCard {
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json';
  type: 'AdaptiveCard';
  version: '1.5';
  body: CardElement[];
  actions?: OpenUrl[];
  msteams: { width: 'Full' };
}

/** What a Teams Workflows webhook ("when a Teams webhook request is received") takes: a message holding the card. */
export interface TeamsPayload {
  type: 'message';
  attachments: Array<{ contentType: 'application/vnd.microsoft.card.adaptive'; contentUrl: null; content: AdaptiveCard }>;
}

export const TEAMS_LIMITS = {
  /** Teams refuses a message over about 28 KB; the card is kept under this many bytes of JSON. */
  bytes: 24_000,
  title: 300,
  /** One excerpt's side of its hit. */
  excerptSide: 200,
  hits: 20,
} as const;

const DIGEST_TITLE = 200;

/** The Teams message for a story or a digest: an Adaptive Card 1.5. Pure: the same content gives the same payload. */
export function teamsPayload(content: ChannelContent): TeamsPayload {
  return wrap(content.kind === 'story' ? storyCard(content) : digestCard(content));
}

function storyCard(m: ChannelMessage): AdaptiveCard {
  const body: CardElement[] = [
    rich([{ type: 'TextRun', text: cutText(m.title, TEAMS_LIMITS.title), size: 'Large', weight: 'Bolder' }]),
    rich([{ type: 'TextRun', text: meta(m), isSubtle: true, size: 'Small' }], 'Small'),
  ];
  if (m.match) {
    const { hits } = m.match;
    body.push(rich([run('Watchlist '), { ...run(m.match.watchlistId), weight: 'Bolder' }, run(` · ${hits.length} ${hits.length === 1 ? 'term' : 'terms'}`)], 'Medium'));
    for (const hit of hits.slice(0, TEAMS_LIMITS.hits)) {
      body.push(hitBlock(hit));
      if (size(body) > TEAMS_LIMITS.bytes - 2_000) {
        body.pop();
        break;
      }
    }
    const shown = body.length - 3;
    if (shown < hits.length) body.push(rich([{ ...run(cutText(`And ${hits.slice(shown).map((h) => h.term).join(', ')}`, 1_000)), isSubtle: true }]));
  }
  const actions: OpenUrl[] = [];
  if (m.originalUrl) actions.push(openUrl('Read the original', m.originalUrl));
  if (m.storyUrl) actions.push(openUrl('Open in Vigie', m.storyUrl));
  return card(body, actions);
}

/** The term in bold, then the excerpt with the hit bold and highlighted. */
function hitBlock(hit: ChannelHit): CardElement {
  const p = excerptParts(hit.excerpt, TEAMS_LIMITS.excerptSide);
  const inlines: TextRun[] = [{ ...run(`${cutText(hit.term, 200)}: `), weight: 'Bolder' }];
  if (p.before) inlines.push(run(p.before));
  inlines.push({ ...run(p.hit), weight: 'Bolder', highlight: true });
  if (p.after) inlines.push(run(p.after));
  return rich(inlines);
}

function digestCard(d: ChannelDigest): AdaptiveCard {
  const body: CardElement[] = [
    { type: 'TextBlock', text: `Vigie digest: ${d.total} ${d.total === 1 ? 'story' : 'stories'}`, wrap: true, size: 'Large', weight: 'Bolder' },
    { type: 'TextBlock', text: utcPeriod(d.from, d.to), wrap: true, isSubtle: true },
  ];
  // Room is kept for the line that says what did not fit.
  const budget = TEAMS_LIMITS.bytes - 500;
  let shown = 0;
  let full = false;
  for (const group of d.groups) {
    if (full) break;
    const items: CardElement[] = [rich([run('Watchlist '), { ...run(group.watchlistId), weight: 'Bolder' }, run(` · ${group.items.length} ${group.items.length === 1 ? 'story' : 'stories'}`)])];
    const container: CardElement = { type: 'Container', items, separator: true, spacing: 'Medium' };
    body.push(container);
    for (const item of group.items) {
      items.push(...digestItem(item));
      if (size(body) > budget) {
        items.splice(-2);
        full = true;
        break;
      }
      shown++;
    }
    if (items.length === 1) body.pop();
  }
  if (shown < d.total) body.push({ type: 'TextBlock', text: `…and ${d.total - shown} more not shown here.`, wrap: true, isSubtle: true });
  return card(body, []);
}

/** The title (a link to the original when there is one), then source, time and terms. */
function digestItem(m: ChannelMessage): CardElement[] {
  const title: TextRun = { type: 'TextRun', text: cutText(m.title, DIGEST_TITLE), weight: 'Bolder' };
  const url = m.originalUrl ?? m.storyUrl;
  if (url) title.selectAction = openUrl('Open', url);
  const terms = m.match ? ` · ${m.match.hits.map((h) => h.matched).join(', ')}` : '';
  return [rich([title], 'Small'), rich([{ type: 'TextRun', text: cutText(`${meta(m)}${terms}`, 400), isSubtle: true, size: 'Small' }])];
}

/** `source · lang · 2026-12-01 08:00 UTC`. */
function meta(m: ChannelMessage): string {
  return [m.sourceId, m.lang, utcTime(m.time)].filter(Boolean).join(' · ');
}

const run = (text: string): TextRun => ({ type: 'TextRun', text });
const rich = (inlines: TextRun[], spacing?: 'Small' | 'Medium'): CardElement => (spacing ? { type: 'RichTextBlock', inlines, spacing } : { type: 'RichTextBlock', inlines });
const openUrl = (title: string, url: string): OpenUrl => ({ type: 'Action.OpenUrl', title, url });
const size = (body: CardElement[]): number => Buffer.byteLength(JSON.stringify(body));

function card(body: CardElement[], actions: OpenUrl[]): AdaptiveCard {
  const c: AdaptiveCard = { $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', type: 'AdaptiveCard', version: '1.5', body, msteams: { width: 'Full' } };
  if (actions.length) c.actions = actions;
  return c;
}

function wrap(content: AdaptiveCard): TeamsPayload {
  return { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content }] };
}
