/** The URL when it is an absolute http(s) URL, else null: a stranger's `javascript:` or `data:` URL is never a link. */
export function httpUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url.trim());
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}
