import type { ChannelContent, ChannelDigest } from './channel-digest.ts';
import type { ChannelHit, ChannelMessage } from './channel-message.ts';
import { cutEscaped } from './cut-text.ts';
import { escapeSlack, escapeSlackMrkdwn, slackLinkUrl } from './escape-slack.ts';
import { excerptParts } from './excerpt-parts.ts';
import { utcTime } from './utc-time.ts';

export interface SlackPlainText {
  type: 'plain_text';
  text: string;
  emoji: boolean;
}
export interface SlackMrkdwn {
  type: 'mrkdwn';
  text: string;
  /** No automatic links, channel names or mentions in what the text holds: only the markup Vigie writes. */
  verbatim: true;
}
export type SlackBlock =
  | { type: 'header'; text: SlackPlainText }
  | { type: 'section'; text: SlackMrkdwn }
  | { type: 'context'; elements: SlackMrkdwn[] }
  | { type: 'divider' };

/** An incoming webhook's body: Block Kit, with `text` for notifications and clients that show no blocks. */
export interface SlackPayload {
  text: string;
  blocks: SlackBlock[];
  unfurl_links: false;
  unfurl_media: false;
}

/** Slack's limits (Block Kit reference). */
export const SLACK_LIMITS = {
  blocks: 50,
  header: 150,
  section: 3000,
  /** `text` may hold 40,000, but Slack truncates long ones; 3,000 keeps a notification whole. */
  text: 3000,
} as const;

/** Hits shown in full; past that, the other terms are named on one line. */
const MAX_HITS = 20;
const EXCERPT_SIDE = 200;
const DIGEST_TITLE = 300;

/** The Slack message for a story or a digest. Pure: the same content gives the same payload. */
export function slackPayload(content: ChannelContent): SlackPayload {
  return content.kind === 'story' ? storyPayload(content) : digestPayload(content);
}

function storyPayload(m: ChannelMessage): SlackPayload {
  const blocks: SlackBlock[] = [
    { type: 'header', text: plain(cutEscaped(m.title, SLACK_LIMITS.header, escapeSlack)) },
    { type: 'context', elements: [mrkdwn(meta(m))] },
  ];
  if (m.match) {
    const { hits, watchlistId } = m.match;
    blocks.push(section(`Watchlist *${escapeSlackMrkdwn(watchlistId)}* · ${hits.length} ${hits.length === 1 ? 'term' : 'terms'}`));
    for (const hit of hits.slice(0, MAX_HITS)) blocks.push(section(hitText(hit)));
    const rest = hits.slice(MAX_HITS);
    if (rest.length) blocks.push({ type: 'context', elements: [mrkdwn(cutEscaped(`And ${rest.map((h) => h.term).join(', ')}`, SLACK_LIMITS.section, escapeSlackMrkdwn))] });
  }
  const links = [m.originalUrl && link(m.originalUrl, 'Read the original'), m.storyUrl && link(m.storyUrl, 'Open in Vigie')].filter(Boolean);
  if (links.length) blocks.push(section(links.join('  ·  ')));
  const terms = m.match ? ` — watchlist ${m.match.watchlistId}: ${m.match.hits.map((h) => h.matched).join(', ')}` : '';
  return payload(cutEscaped(`${m.title} (${m.sourceId})${terms}`, SLACK_LIMITS.text, escapeSlackMrkdwn), blocks);
}

/** `*term*` on one line, the excerpt with the hit in bold on the next; cut whole to the section limit if need be. */
function hitText(hit: ChannelHit): string {
  const term = `*${escapeSlackMrkdwn(hit.term)}*`;
  const p = excerptParts(hit.excerpt, EXCERPT_SIDE);
  const text = `${term}\n${escapeSlackMrkdwn(p.before)}*${escapeSlackMrkdwn(p.hit)}*${escapeSlackMrkdwn(p.after)}`;
  if (text.length <= SLACK_LIMITS.section) return text;
  return `${term}\n${cutEscaped(hit.excerpt.text, SLACK_LIMITS.section - term.length - 1, escapeSlackMrkdwn)}`;
}

function digestPayload(d: ChannelDigest): SlackPayload {
  const headline = `Vigie digest: ${d.total} ${d.total === 1 ? 'story' : 'stories'}`;
  const blocks: SlackBlock[] = [
    { type: 'header', text: plain(headline) },
    { type: 'context', elements: [mrkdwn(`${slackDate(d.from)} – ${slackDate(d.to)}`)] },
  ];
  // One block is kept for the line that says what did not fit.
  const room = SLACK_LIMITS.blocks - 1;
  let shown = 0;
  for (const group of d.groups) {
    // A divider, the watchlist's line and at least one section of stories.
    if (blocks.length + 3 > room) break;
    blocks.push({ type: 'divider' }, section(`*Watchlist ${escapeSlackMrkdwn(group.watchlistId)}* · ${group.items.length} ${group.items.length === 1 ? 'story' : 'stories'}`));
    // Stories as lines, as many to a section as its limit allows.
    let text = '';
    for (const item of group.items) {
      const line = digestLine(item);
      if (text && text.length + 1 + line.length > SLACK_LIMITS.section) {
        blocks.push(section(text));
        text = '';
      }
      // A new section only while one block is left for it.
      if (!text && blocks.length + 1 > room) break;
      text = text ? `${text}\n${line}` : line;
      shown++;
    }
    if (text) blocks.push(section(text));
  }
  if (shown < d.total) blocks.push({ type: 'context', elements: [mrkdwn(`…and ${d.total - shown} more not shown here.`)] });
  return payload(cutEscaped(`${headline}, ${utcTime(d.from)} – ${utcTime(d.to)}`, SLACK_LIMITS.text, escapeSlackMrkdwn), blocks);
}

/** `• <original|title> — source, time · terms · <story|Vigie>`, within a section's limit. */
function digestLine(m: ChannelMessage): string {
  const title = cutEscaped(m.title, DIGEST_TITLE, escapeSlackMrkdwn);
  const head = m.originalUrl ? link(m.originalUrl, title, true) : `*${title}*`;
  const terms = m.match ? ` · _${cutEscaped(m.match.hits.map((h) => h.matched).join(', '), 300, escapeSlackMrkdwn)}_` : '';
  const story = m.storyUrl ? ` · ${link(m.storyUrl, 'Vigie')}` : '';
  const line = `• ${head} — ${escapeSlackMrkdwn(m.sourceId)}, ${slackDate(m.time)}${terms}${story}`;
  return line.length <= SLACK_LIMITS.section ? line : `• *${title}*`;
}

/** `*source* · lang · time`, the time in the reader's own zone (Slack's date token), UTC as the fallback. */
function meta(m: ChannelMessage): string {
  return [`*${escapeSlackMrkdwn(m.sourceId)}*`, m.lang && escapeSlackMrkdwn(m.lang), slackDate(m.time)].filter(Boolean).join(' · ');
}

function slackDate(iso: string): string {
  const seconds = Math.floor(Date.parse(iso) / 1000);
  return `<!date^${seconds}^{date_short_pretty} {time}|${utcTime(iso)}>`;
}

/** A link, unless its URL would not fit a section: then the label alone (a cut URL leads nowhere). */
function link(url: string, label: string, escaped = false): string {
  const text = `<${slackLinkUrl(url)}|${escaped ? label : escapeSlackMrkdwn(label)}>`;
  return text.length <= SLACK_LIMITS.section / 2 ? text : label;
}

const plain = (text: string): SlackPlainText => ({ type: 'plain_text', text, emoji: false });
const mrkdwn = (text: string): SlackMrkdwn => ({ type: 'mrkdwn', text, verbatim: true });
const section = (text: string): SlackBlock => ({ type: 'section', text: mrkdwn(text) });
const payload = (text: string, blocks: SlackBlock[]): SlackPayload => ({ text, blocks, unfurl_links: false, unfurl_media: false });
