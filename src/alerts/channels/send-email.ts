import { isIP } from 'node:net';
import { createTransport } from 'nodemailer';
import type { Fate } from '../../config/fate.ts';
import { allowedAddress, cidrsOf } from '../../crawlers/guarded-agent.ts';
import { refusalIn } from '../../crawlers/refused-address-error.ts';
import { DeliveryError } from '../delivery-error.ts';
import { redactWebhookUrls, webhookEndpoint } from '../webhook-endpoint.ts';
import type { EmailContent } from './email-content.ts';

export interface EmailChannel {
  kind: 'email';
  /** `smtp://user:pass@host:587` (STARTTLS when the server offers it) or `smtps://…:465` (TLS from the start). */
  smtp: string;
  from: string;
  to: readonly string[];
}

export interface SendEmailOptions {
  /** For connecting, the greeting, each command and the whole send. Default 15 s. */
  timeoutMs?: number;
  /** CIDRs the SMTP server may be on although private (`network.allow`), as for webhooks. Default: none. */
  allowNetworks?: readonly string[];
  /** The delivery's id, the same on every attempt: the Message-ID, so a mail sent twice reads as one. */
  msgId?: string;
}

export interface EmailSendResult {
  /** The SMTP reply code to the message (250). */
  status: number | null;
  durationMs: number;
  /** Recipients the server refused while it took the message for the others. */
  rejected: string[];
}

/**
 * Sends one mail over SMTP with nodemailer, a new connection each time (deliveries are minutes apart). The host is
 * resolved and judged by the network policy first, and the connection goes to that address (the TLS name stays the
 * host's): an SMTP server on a private address needs `network.allow`, like a webhook. Throws a DeliveryError:
 * `retry` for a 4xx reply, a connection error or a timeout; `give-up` for a 5xx reply (the same message would be
 * refused again; except 503, a session out of step), missing credentials, a bad URL or a refused address. Errors
 * name the server as `smtp://host:port`, never the user's password.
 */
export async function sendEmail(channel: EmailChannel, mail: EmailContent, options: SendEmailOptions = {}): Promise<EmailSendResult> {
  const started = performance.now();
  const timeoutMs = options.timeoutMs ?? 15_000;
  const endpoint = webhookEndpoint(channel.smtp);
  const secrets = [channel.smtp];
  const fail = (message: string, fate: Fate, status: number | null = null): DeliveryError =>
    new DeliveryError(`SMTP ${endpoint}: ${redact(message, secrets)}`, fate, status);

  let url: URL;
  try {
    url = new URL(channel.smtp);
  } catch {
    throw fail('not a URL', 'give-up');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw fail('expected an smtp:// or smtps:// URL', 'give-up');
  const pass = decodeURIComponent(url.password);
  if (pass) secrets.push(pass, url.password);
  const secure = url.protocol === 'smtps:';
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = url.port ? Number(url.port) : secure ? 465 : 587;

  let address: string;
  try {
    address = await allowedAddress(host, cidrsOf(options.allowNetworks ?? []));
  } catch (err) {
    const refused = refusalIn(err);
    if (refused) throw fail(refused.message, 'give-up');
    throw fail(`cannot resolve ${host}: ${(err as { code?: string }).code ?? (err as Error).message}`, 'retry');
  }

  const transport = createTransport({
    host: address,
    port,
    secure,
    // Certificates are checked against the name, not the address connected to.
    ...(isIP(host) ? {} : { servername: host }),
    ...(url.username ? { auth: { user: decodeURIComponent(url.username), pass } } : {}),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    logger: false,
    debug: false,
    // The message is ours, but never let a path or URL in it be read.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    const info = await transport.sendMail({
      from: channel.from,
      to: [...channel.to],
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      ...(options.msgId ? { messageId: messageId(options.msgId, channel.from) } : {}),
      // RFC 3834: a machine wrote this; out-of-office replies stay away.
      headers: { 'Auto-Submitted': 'auto-generated' },
      signal: abort.signal,
    });
    const status = Number.parseInt(String(info.response ?? ''), 10);
    return { status: Number.isNaN(status) ? null : status, durationMs: Math.round(performance.now() - started), rejected: (info.rejected ?? []).map(String) };
  } catch (err) {
    const e = err as { code?: string; responseCode?: number; response?: string; message?: string };
    if (abort.signal.aborted) throw fail(`no answer within ${timeoutMs} ms`, 'retry');
    const code = typeof e.responseCode === 'number' ? e.responseCode : null;
    // The server's reply when there is one (`451 4.3.0 Try again later`), else what broke (`ESOCKET: connect ECONNREFUSED ...`).
    const said = firstLine(code !== null ? (e.response ?? e.message ?? '') : (e.message ?? String(err)));
    throw fail(e.code ? `${e.code}: ${said}` : said, smtpFate(code, e.code), code);
  } finally {
    clearTimeout(timer);
    transport.close();
  }
}

/** Errors that carry no reply and that no retry can mend: the config or the message must change. */
const GIVE_UP_CODES = new Set(['ECONFIG', 'ENOAUTH', 'EENVELOPE', 'EMESSAGE', 'EAUTH', 'EMAXRECIPIENTS', 'EREQUIRETLS']);

/**
 * RFC 5321: 4yz is transient, 5yz permanent, except 503 (bad sequence of commands), which says the session was out
 * of step rather than that the message was refused. Without a reply: connection errors and timeouts are retried.
 */
export function smtpFate(responseCode: number | null, code?: string): Fate {
  if (responseCode !== null) return responseCode >= 500 && responseCode !== 503 ? 'give-up' : 'retry';
  return code && GIVE_UP_CODES.has(code) ? 'give-up' : 'retry';
}

/** `<id@domain-of-from>`; the id is the delivery's, so every attempt of one delivery carries the same Message-ID. */
function messageId(msgId: string, from: string): string {
  const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from)?.[1] ?? 'vigie.invalid';
  return `<${msgId.replace(/[^A-Za-z0-9._-]/g, '_')}@${domain}>`;
}

const firstLine = (text: string): string => text.split(/\r?\n/, 1)[0]!.slice(0, 300);

function redact(text: string, secrets: string[]): string {
  let out = redactWebhookUrls(text, [secrets[0]!]);
  // A password of a few characters would blank out ordinary words; it is no secret worth the name anyway.
  for (const s of secrets.slice(1)) if (s.length >= 4) out = out.split(s).join('***');
  return out;
}
