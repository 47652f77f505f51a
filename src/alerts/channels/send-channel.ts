import { parseRetryAfter } from '../../config/retry-after.ts';
import { DeliveryError } from '../delivery-error.ts';
import { postJson, type PostAnswer } from '../post-json.ts';
import { redactWebhookUrls } from '../webhook-endpoint.ts';
import type { ChannelContent } from './channel-digest.ts';
import { cleanText } from './clean-text.ts';
import { cutText } from './cut-text.ts';
import { discordPayload } from './discord-payload.ts';
import { emailContent } from './email-content.ts';
import { sendEmail, type EmailChannel } from './send-email.ts';
import { slackPayload } from './slack-payload.ts';
import { teamsPayload } from './teams-payload.ts';

/** Where a message goes. Webhook URLs are secrets (their token is in the path): errors show scheme and host only. */
export type Channel = { kind: 'slack' | 'teams' | 'discord'; url: string } | EmailChannel;

export interface ChannelSendOptions {
  /** Whole-attempt timeout. Default 15 s. */
  timeoutMs?: number;
  userAgent?: string;
  /** CIDRs the receiver may be on although private (`network.allow`). Default: none. */
  allowNetworks?: readonly string[];
  /** The delivery's id, the same on every attempt (email's Message-ID). */
  msgId?: string;
}

export interface ChannelSendResult {
  /** HTTP status, or the SMTP reply code. */
  status: number | null;
  durationMs: number;
  /** Email recipients refused while the others got the message. */
  rejected?: string[];
}

/** Answer bytes kept: enough for Discord's rate-limit JSON and an error word from Slack. */
const KEEP_BODY = 4096;

/**
 * Formats `content` for the channel and sends it, once. Resolves on success; otherwise throws a DeliveryError
 * whose fate the delivery machinery acts on: `retry-later` for 429 (the wait from Retry-After, or from Discord's
 * `retry_after` in the JSON body) and for 503 with Retry-After; `retry` for other 5xx, 408, redirects (not
 * followed), timeouts and network errors; `give-up` for any other 4xx (the payload or the webhook is wrong: a retry
 * would get the same answer) and for a receiver at a refused address, where nothing is sent.
 */
export async function sendChannel(channel: Channel, content: ChannelContent, options: ChannelSendOptions = {}): Promise<ChannelSendResult> {
  if (channel.kind === 'email') return sendEmail(channel, emailContent(content), options);
  const payload = channel.kind === 'slack' ? slackPayload(content) : channel.kind === 'teams' ? teamsPayload(content) : discordPayload(content);
  const answer = await postJson({
    url: channel.url,
    body: JSON.stringify(payload),
    timeoutMs: options.timeoutMs,
    userAgent: options.userAgent,
    allowNetworks: options.allowNetworks,
    keepBody: KEEP_BODY,
  });
  if (answer.status >= 200 && answer.status < 300) return { status: answer.status, durationMs: answer.durationMs };
  throw channelFailure(channel.kind, channel.url, answer);
}

function channelFailure(kind: 'slack' | 'teams' | 'discord', url: string, a: PostAnswer): DeliveryError {
  const { status, endpoint } = a;
  const said = answerText(a.body, url);
  const message = `POST ${endpoint}: HTTP ${status}${said ? ` (${said})` : ''}`;
  const after = (kind === 'discord' ? discordRetryAfter(a.body) : undefined) ?? parseRetryAfter(a.headers['retry-after']);
  if (status === 429 || (status === 503 && after !== undefined)) return new DeliveryError(message, 'retry-later', status, after);
  if (status >= 300 && status < 400) return new DeliveryError(`POST ${endpoint}: HTTP ${status} (redirects are not followed)`, 'retry', status);
  if (status >= 400 && status < 500 && status !== 408) return new DeliveryError(message, 'give-up', status);
  return new DeliveryError(message, 'retry', status, after);
}

/** Discord's 429 body: `{ "retry_after": 1.5, "global": false, ... }`, in seconds, more precise than its header. */
function discordRetryAfter(body: string): number | undefined {
  try {
    const seconds = (JSON.parse(body) as { retry_after?: unknown } | null)?.retry_after;
    return typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds * 1000) : undefined;
  } catch {
    return undefined;
  }
}

/** What the receiver said (`invalid_blocks`, Discord's error JSON), one short line, for the attempt log. */
function answerText(body: string, url: string): string {
  return cutText(cleanText(redactWebhookUrls(body, [url])), 200);
}
