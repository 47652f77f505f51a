/**
 * A stranger's text for a Slack text object. `&`, `<` and `>` become entities, as Slack requires: unescaped, `<!channel>`
 * would notify everyone and `<https://evil|Your bank>` would show a link under false words.
 */
export function escapeSlack(text: string): string {
  return text.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

/**
 * A stranger's text for Slack mrkdwn: escaped as above, and `*`, `_`, `~` and `` ` `` made inert. Slack has no escape
 * for them, so a zero-width space on each side keeps a marker from pairing with another (a stranger's `*bold*` stays
 * as written, and cannot unbalance the `*` Vigie puts around a hit).
 */
export function escapeSlackMrkdwn(text: string): string {
  return escapeSlack(text).replace(/[*_~`]/g, '\u200B$&\u200B');
}

/** A URL inside Slack's `<url|label>`: `|` and `>` would end it, and `&` is an entity there too. */
export function slackLinkUrl(url: string): string {
  return url.replace(/&/g, '&amp;').replace(/\|/g, '%7C').replace(/</g, '%3C').replace(/>/g, '%3E');
}
