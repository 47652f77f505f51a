import type { Charset } from './site-template.ts';

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => entities[c] ?? c);
}

/** Inline JSON in a script element must not be able to close it. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

export function metaCharset(charset: Charset): string {
  return `<meta charset="${charset}">`;
}

const frMonths = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];
const enMonths = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

export function longDate(iso: string, lang: 'fr' | 'en'): string {
  const d = new Date(iso);
  const day = d.getUTCDate();
  const year = d.getUTCFullYear();
  if (lang === 'fr') return `${day === 1 ? '1er' : day} ${frMonths[d.getUTCMonth()]} ${year}`;
  return `${enMonths[d.getUTCMonth()]} ${day}, ${year}`;
}

/** `2026/11/28`, the date part of WordPress-style permalinks. */
export function datePath(iso: string): string {
  return iso.slice(0, 10).replace(/-/g, '/');
}

/** Up to `count` other articles, picked the same way on every request so the page bytes stay stable. */
export function others<T extends { slug: string }>(all: readonly T[], current: T, count: number): T[] {
  const at = all.findIndex((a) => a.slug === current.slug);
  const picked: T[] = [];
  for (let step = 1; step < all.length && picked.length < count; step++) {
    const candidate = all[(at + step) % all.length];
    if (candidate && candidate.slug !== current.slug) picked.push(candidate);
  }
  return picked;
}
