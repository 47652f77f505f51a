import type { ChannelContent, ChannelDigest } from './channel-digest.ts';
import type { ChannelHit, ChannelMessage } from './channel-message.ts';
import { cutEscaped } from './cut-text.ts';
import { discordLinkUrl, escapeDiscord } from './escape-discord.ts';
import { excerptParts } from './excerpt-parts.ts';
import { utcPeriod } from './utc-time.ts';

export interface DiscordField {
  name: string;
  value: string;
  inline?: boolean;
}

export interface DiscordEmbed {
  title?: string;
  url?: string;
  description?: string;
  fields?: DiscordField[];
  /** ISO 8601: Discord shows it in the reader's zone. */
  timestamp?: string;
  color?: number;
  footer?: { text: string };
}

/** An execute-webhook body. */
export interface DiscordPayload {
  content?: string;
  embeds: DiscordEmbed[];
  /** No ping, whatever the texts hold. */
  allowed_mentions: { parse: [] };
}

/** Discord's limits (Embed Limits in its API reference). `total` counts titles, descriptions, field names and values, and footers over all embeds. */
export const DISCORD_LIMITS = {
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  embeds: 10,
  total: 6000,
  content: 2000,
} as const;

const COLOR = 0x1f6feb;
const EXCERPT_SIDE = 300;
/** A longer URL is not made a link: Discord refuses the whole message for an embed URL it finds too long. */
const MAX_URL = 2000;
const DIGEST_TITLE = 200;

/** The Discord message for a story or a digest. Pure: the same content gives the same payload. */
export function discordPayload(content: ChannelContent): DiscordPayload {
  return content.kind === 'story' ? storyPayload(content) : digestPayload(content);
}

function storyPayload(m: ChannelMessage): DiscordPayload {
  const embed: DiscordEmbed = { title: cutEscaped(m.title, DISCORD_LIMITS.title, escapeDiscord), color: COLOR, timestamp: m.time, footer: { text: 'Vigie' } };
  if (m.originalUrl && m.originalUrl.length <= MAX_URL) embed.url = m.originalUrl;
  const lines: string[] = [];
  if (m.match) lines.push(`Watchlist **${escapeDiscord(m.match.watchlistId)}** · ${m.match.hits.length} ${m.match.hits.length === 1 ? 'term' : 'terms'}`);
  if (m.storyUrl && m.storyUrl.length <= MAX_URL) lines.push(`[Open in Vigie](${discordLinkUrl(m.storyUrl)})`);
  if (lines.length) embed.description = lines.join('\n');
  const fields: DiscordField[] = [{ name: 'Source', value: escapeDiscord(m.sourceId), inline: true }];
  if (m.lang) fields.push({ name: 'Language', value: escapeDiscord(m.lang), inline: true });
  let room = DISCORD_LIMITS.total - embedSize({ ...embed, fields });
  const hits = m.match?.hits ?? [];
  let shown = 0;
  for (const hit of hits) {
    // The last field left is kept for the line naming the terms not shown.
    if (fields.length >= DISCORD_LIMITS.fields - 1) break;
    const field = hitField(hit, Math.min(DISCORD_LIMITS.fieldValue, room - 200));
    if (!field || field.name.length + field.value.length > room - 200) break;
    fields.push(field);
    room -= field.name.length + field.value.length;
    shown++;
  }
  if (shown < hits.length) {
    const value = cutEscaped(hits.slice(shown).map((h) => h.term).join(', '), Math.min(DISCORD_LIMITS.fieldValue, room - 20), escapeDiscord);
    if (value) fields.push({ name: 'More terms', value });
  }
  embed.fields = fields;
  return { embeds: [embed], allowed_mentions: { parse: [] } };
}

/** The term as the field's name, the excerpt with the hit in bold as its value, within `max`; null when nothing fits. */
function hitField(hit: ChannelHit, max: number): DiscordField | null {
  if (max < 20) return null;
  const name = cutEscaped(hit.term, DISCORD_LIMITS.fieldName, escapeDiscord);
  const p = excerptParts(hit.excerpt, EXCERPT_SIDE);
  const value = `${escapeDiscord(p.before)}**${escapeDiscord(p.hit)}**${escapeDiscord(p.after)}`;
  return { name, value: value.length <= max ? value : cutEscaped(hit.excerpt.text, max, escapeDiscord) || '…' };
}

function digestPayload(d: ChannelDigest): DiscordPayload {
  const embeds: DiscordEmbed[] = [];
  // Room for the note on what did not fit goes in `content`, which has its own limit.
  let room = DISCORD_LIMITS.total;
  let shown = 0;
  for (const group of d.groups) {
    if (embeds.length === DISCORD_LIMITS.embeds) break;
    const title = cutEscaped(`Watchlist ${group.watchlistId}: ${group.items.length} ${group.items.length === 1 ? 'story' : 'stories'}`, DISCORD_LIMITS.title, escapeDiscord);
    if (title.length + 100 > room) break;
    room -= title.length;
    const lines: string[] = [];
    let size = 0;
    for (const item of group.items) {
      const line = digestLine(item);
      const added = (lines.length ? 1 : 0) + line.length;
      if (size + added > DISCORD_LIMITS.description || added > room) break;
      lines.push(line);
      size += added;
      room -= added;
      shown++;
    }
    const embed: DiscordEmbed = { title, color: COLOR };
    if (lines.length) embed.description = lines.join('\n');
    embeds.push(embed);
  }
  const rest = d.total - shown;
  const content = `**Vigie digest**: ${d.total} ${d.total === 1 ? 'story' : 'stories'}, ${utcPeriod(d.from, d.to)}${rest > 0 ? ` (${rest} more not shown here)` : ''}`;
  return { content, embeds, allowed_mentions: { parse: [] } };
}

/** `• [title](original) — source, <local time>`, the terms in italics; Discord writes `<t:…>` in the reader's zone. */
function digestLine(m: ChannelMessage): string {
  const title = cutEscaped(m.title, DIGEST_TITLE, escapeDiscord);
  const url = m.originalUrl ?? m.storyUrl;
  const head = url && url.length <= MAX_URL ? `[${title}](${discordLinkUrl(url)})` : `**${title}**`;
  const terms = m.match ? ` · *${cutEscaped(m.match.hits.map((h) => h.matched).join(', '), 200, escapeDiscord)}*` : '';
  return `• ${head} — ${escapeDiscord(m.sourceId)}, <t:${Math.floor(Date.parse(m.time) / 1000)}:f>${terms}`;
}

/** What counts toward Discord's 6,000 characters for one embed. */
export function embedSize(e: DiscordEmbed): number {
  let n = (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0);
  for (const f of e.fields ?? []) n += f.name.length + f.value.length;
  return n;
}
