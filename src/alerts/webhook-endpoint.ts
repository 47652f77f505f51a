/**
 * A webhook URL as it may be shown: scheme and host only. Slack-style URLs carry their token in the path or query,
 * so the rest never reaches a log line, an error, the API or the dashboard.
 */
export function webhookEndpoint(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return '(invalid URL)';
  }
}

/** `text` with every occurrence of each URL replaced by its endpoint: for messages written before they were redacted. */
export function redactWebhookUrls(text: string, urls: Iterable<string>): string {
  let out = text;
  for (const url of urls) if (url) out = out.split(url).join(webhookEndpoint(url));
  return out;
}
