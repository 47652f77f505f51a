/**
 * A stranger's text for Discord markdown (embed titles, descriptions, field values). A backslash before any
 * punctuation shows it as written, so every character markdown could read gets one: emphasis, spoilers, code,
 * quotes, masked links `[text](url)`, headings, mentions `<@id>` and timestamps `<t:…>`. A list marker only counts
 * at the start, so only a leading one is escaped. `@everyone` and `@here` get a zero-width space after the `@`
 * (Discord's own advice): the payload also turns every ping off with `allowed_mentions`.
 */
export function escapeDiscord(text: string): string {
  return text
    .replace(/[\\*_~`|<>[\]()#]/g, '\\$&')
    .replace(/^[-+](?=\s)/, '\\$&')
    .replace(/^(\d+)\.(?=\s)/, '$1\\.')
    .replace(/@(everyone|here)/gi, '@\u200B$1');
}

/** A URL inside `[label](url)`: a parenthesis or a space would end it early. */
export function discordLinkUrl(url: string): string {
  return url.replace(/\(/g, '%28').replace(/\)/g, '%29').replace(/ /g, '%20');
}
