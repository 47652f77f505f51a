/** Why `url` cannot be a Postgres connection URL, or null when it can. Never quotes the URL: it holds a password. */
export function databaseUrlProblem(url: string): string | null {
  if (!/^postgres(?:ql)?:\/\//.test(url)) return 'expected a Postgres URL like postgres://user:password@host:5432/vigie (postgres:// or postgresql://)';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not a valid URL: percent-encode the characters @ : / ? # in the user name and password (e.g. %40 for @)';
  }
  // pg also takes the host (or a Unix socket folder) from `?host=`.
  if (parsed.hostname === '' && !parsed.searchParams.get('host')) return 'expected a host, like postgres://user:password@host:5432/vigie';
  return null;
}

/**
 * `url` with its password replaced by `***`, in the authority and in a `password=` parameter, for logs and messages.
 * Text that is not a valid URL (what error messages quote) loses everything from the user name's `:` to the last `@`:
 * an unencoded password may hold `/`, `?` or `#`, so more is hidden rather than some of it shown.
 */
export function redactUrl(url: string): string {
  let text: string;
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    text = parsed.href;
  } catch {
    text = url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/?#@]*:).*@/i, '$1***@');
  }
  return text.replace(/([?&]password=)[^&#]*/gi, '$1***');
}
