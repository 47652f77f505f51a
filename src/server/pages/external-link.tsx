import type { ComponentChildren } from 'preact';
import { httpUrl } from './http-url.ts';

/**
 * A link to a page on another site, only when its URL is http(s): a stranger's `javascript:` URL shows as plain
 * text. `rel="noreferrer"`: the sites we watch need not learn the dashboard's address.
 */
export function ExternalLink({ url, children, lang }: { url: string | null | undefined; children?: ComponentChildren; lang?: string | undefined }) {
  const href = httpUrl(url);
  const label = children ?? url ?? '';
  if (!href) return <span class="unlinked" lang={lang}>{label}</span>;
  return (
    <a href={href} rel="noreferrer noopener" lang={lang}>
      {label}
    </a>
  );
}
