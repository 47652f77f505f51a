import type { ChannelContent, ChannelDigest } from './channel-digest.ts';
import type { ChannelHit, ChannelMessage } from './channel-message.ts';
import { cleanText } from './clean-text.ts';
import { cutText } from './cut-text.ts';
import { escapeHtml } from './escape-html.ts';
import { excerptParts } from './excerpt-parts.ts';
import { utcPeriod, utcTime } from './utc-time.ts';

export interface EmailContent {
  /** One line: nodemailer encodes it for the header. */
  subject: string;
  text: string;
  html: string;
}

export const EMAIL_LIMITS = {
  subject: 200,
  excerptSide: 200,
  /** Stories listed in one digest mail; the rest are counted. */
  digestItems: 500,
} as const;

/** The mail for a story or a digest, as plain text and as HTML (every stranger's text escaped). Pure. */
export function emailContent(content: ChannelContent): EmailContent {
  return content.kind === 'story' ? storyMail(content) : digestMail(content);
}

function storyMail(m: ChannelMessage): EmailContent {
  const subject = subjectLine(m.match ? `[Vigie] ${m.match.watchlistId}: ${m.title}` : `[Vigie] ${m.title}`);
  const text: string[] = [m.title, meta(m), ''];
  const html: string[] = [`<h1 style="font-size:20px;margin:0 0 4px">${linked(m.title, m.originalUrl)}</h1>`, `<p style="color:#555;margin:0 0 16px">${escapeHtml(meta(m))}</p>`];
  if (m.match) {
    text.push(`Watchlist ${m.match.watchlistId}: ${count(m.match.hits.length, 'term')}`);
    html.push(`<p>Watchlist <strong>${escapeHtml(m.match.watchlistId)}</strong>: ${count(m.match.hits.length, 'term')}</p>`, '<ul>');
    for (const hit of m.match.hits) {
      text.push(`- ${hit.term}: ${plainExcerpt(hit)}`);
      html.push(`<li><strong>${escapeHtml(hit.term)}</strong>: ${htmlExcerpt(hit)}</li>`);
    }
    html.push('</ul>');
    text.push('');
  }
  if (m.originalUrl) text.push(`Original: ${m.originalUrl}`);
  if (m.storyUrl) text.push(`In Vigie: ${m.storyUrl}`);
  const links = [m.originalUrl && `<a href="${escapeHtml(m.originalUrl)}">Read the original</a>`, m.storyUrl && `<a href="${escapeHtml(m.storyUrl)}">Open in Vigie</a>`].filter(Boolean);
  if (links.length) html.push(`<p>${links.join(' · ')}</p>`);
  return { subject, text: `${text.join('\n').trimEnd()}\n`, html: page(subject, html) };
}

function digestMail(d: ChannelDigest): EmailContent {
  const period = utcPeriod(d.from, d.to);
  const subject = subjectLine(`[Vigie] Digest: ${count(d.total, 'story')}, ${period}`);
  const text: string[] = [`Vigie digest: ${count(d.total, 'story')}`, period];
  const html: string[] = [`<h1 style="font-size:20px;margin:0 0 4px">Vigie digest: ${count(d.total, 'story')}</h1>`, `<p style="color:#555;margin:0 0 16px">${escapeHtml(period)}</p>`];
  let shown = 0;
  for (const group of d.groups) {
    if (shown >= EMAIL_LIMITS.digestItems) break;
    text.push('', `== Watchlist ${group.watchlistId}: ${count(group.items.length, 'story')} ==`);
    html.push(`<h2 style="font-size:16px;margin:20px 0 8px">Watchlist ${escapeHtml(group.watchlistId)}: ${count(group.items.length, 'story')}</h2>`, '<ul>');
    for (const item of group.items) {
      if (shown >= EMAIL_LIMITS.digestItems) break;
      shown++;
      text.push('', `* ${item.title}`, `  ${meta(item)}`);
      const hits = item.match?.hits ?? [];
      for (const hit of hits) text.push(`  - ${hit.term}: ${plainExcerpt(hit)}`);
      if (item.originalUrl) text.push(`  Original: ${item.originalUrl}`);
      if (item.storyUrl) text.push(`  In Vigie: ${item.storyUrl}`);
      const story = item.storyUrl ? ` · <a href="${escapeHtml(item.storyUrl)}">Open in Vigie</a>` : '';
      const terms = hits.map((hit) => `<li><strong>${escapeHtml(hit.term)}</strong>: ${htmlExcerpt(hit)}</li>`).join('');
      html.push(
        `<li style="margin-bottom:12px">${linked(item.title, item.originalUrl)}<br><span style="color:#555">${escapeHtml(meta(item))}</span>${story}${terms ? `<ul>${terms}</ul>` : ''}</li>`,
      );
    }
    html.push('</ul>');
  }
  if (shown < d.total) {
    text.push('', `…and ${d.total - shown} more not listed here.`);
    html.push(`<p>…and ${d.total - shown} more not listed here.</p>`);
  }
  return { subject, text: `${text.join('\n')}\n`, html: page(subject, html) };
}

/** The excerpt with the hit between asterisks, plain text's usual emphasis. */
function plainExcerpt(hit: ChannelHit): string {
  const p = excerptParts(hit.excerpt, EMAIL_LIMITS.excerptSide);
  return `${p.before}*${p.hit}*${p.after}`;
}

function htmlExcerpt(hit: ChannelHit): string {
  const p = excerptParts(hit.excerpt, EMAIL_LIMITS.excerptSide);
  return `${escapeHtml(p.before)}<mark style="font-weight:bold">${escapeHtml(p.hit)}</mark>${escapeHtml(p.after)}`;
}

/** The title, escaped, as a link when the original is known (http(s) only, as the message keeps it). */
function linked(title: string, url: string | null): string {
  return url ? `<a href="${escapeHtml(url)}">${escapeHtml(title)}</a>` : escapeHtml(title);
}

function meta(m: ChannelMessage): string {
  return [m.sourceId, m.lang, utcTime(m.time)].filter(Boolean).join(' · ');
}

/** One header line within the limit: no line break can reach the header, whatever the title held. */
function subjectLine(text: string): string {
  return cutText(cleanText(text), EMAIL_LIMITS.subject);
}

const count = (n: number, word: string): string => `${n} ${n === 1 ? word : word === 'story' ? 'stories' : `${word}s`}`;

function page(title: string, body: string[]): string {
  return [
    '<!doctype html>',
    '<html><head><meta charset="utf-8">',
    `<title>${escapeHtml(title)}</title></head>`,
    '<body style="font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;font-size:14px;line-height:1.45;color:#111">',
    ...body,
    '</body></html>',
    '',
  ].join('\n');
}
