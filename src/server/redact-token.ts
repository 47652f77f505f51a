/**
 * A URL (or any text holding one) with the value of each `token=` query parameter replaced: `?token=` is how a feed
 * reader or a first browser visit passes VIGIE_TOKEN, and no log line may carry it.
 */
export function redactToken(text: string): string {
  return text.replace(/((?:^|[?&;])token=)[^&#;\s"'<>]*/gi, '$1[redacted]');
}
