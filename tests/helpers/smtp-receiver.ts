import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerError } from 'smtp-server';

/** A mail as the in-process SMTP server took it, with its MIME parts decoded. */
export interface ReceivedMail {
  mailFrom: string;
  rcptTo: string[];
  /** The user who logged in, if any. */
  user: string | null;
  raw: string;
  /** Header names lower-cased, folded lines joined, encoded words decoded. */
  headers: Map<string, string>;
  contentType: string;
  /** The text/plain and text/html parts, decoded; null when absent. */
  text: string | null;
  html: string | null;
}

export interface SmtpReceiverOptions {
  /** Credentials the server accepts; without them, no login is asked for. */
  auth?: { user: string; pass: string };
  /** An error to answer the message's DATA with (its responseCode: 451, 550...), or null to take it. */
  onData?: () => SMTPServerError | null;
  /** The reply code refusing a recipient, or null to take it. */
  onRcpt?: (address: string) => number | null;
  /** Never sends the greeting: a server that hangs. */
  silent?: boolean;
}

export interface SmtpReceiver {
  host: string;
  port: number;
  /** `smtp://user:pass@127.0.0.1:port`, credentials URL-encoded. */
  url(user?: string, pass?: string): string;
  mails: ReceivedMail[];
  /** Connections opened, logged in or not. */
  connections: number;
  close(): Promise<void>;
}

/** An SMTP server on loopback (the `smtp-server` package), plain text with AUTH allowed: for tests only. */
export async function smtpReceiver(options: SmtpReceiverOptions = {}): Promise<SmtpReceiver> {
  const mails: ReceivedMail[] = [];
  const state = { connections: 0 };
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authOptional: !options.auth,
    logger: false,
    onConnect(_session, callback) {
      state.connections++;
      // The greeting waits on this callback: never calling it is a server that hangs.
      if (!options.silent) callback();
    },
    onAuth(auth, _session, callback) {
      if (options.auth && auth.username === options.auth.user && auth.password === options.auth.pass) return callback(null, { user: auth.username });
      const err: SMTPServerError = new Error('Invalid username or password');
      err.responseCode = 535;
      callback(err);
    },
    onRcptTo(address, _session, callback) {
      const code = options.onRcpt?.(address.address) ?? null;
      if (code === null) return callback();
      const err: SMTPServerError = new Error(`recipient ${address.address} refused`);
      err.responseCode = code;
      callback(err);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const refusal = options.onData?.() ?? null;
        if (refusal) return callback(refusal);
        const raw = Buffer.concat(chunks).toString('utf8');
        mails.push({
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          rcptTo: session.envelope.rcptTo.map((r) => r.address),
          user: typeof session.user === 'string' ? session.user : null,
          raw,
          ...parseMime(raw),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    host: '127.0.0.1',
    port,
    url: (user, pass) => `smtp://${user !== undefined ? `${encodeURIComponent(user)}:${encodeURIComponent(pass ?? '')}@` : ''}127.0.0.1:${port}`,
    mails,
    get connections() {
      return state.connections;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function parseMime(raw: string): Pick<ReceivedMail, 'headers' | 'contentType' | 'text' | 'html'> {
  const { headers, body } = splitPart(raw);
  const contentType = headers.get('content-type') ?? 'text/plain';
  const parts: Array<{ type: string; body: string }> = [];
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (boundary && /^multipart\//i.test(contentType)) {
    for (const chunk of body.split(`--${boundary}`).slice(1)) {
      if (chunk.startsWith('--')) break;
      const part = splitPart(chunk.replace(/^\r\n/, ''));
      parts.push({ type: part.headers.get('content-type') ?? 'text/plain', body: decodeBody(part.body, part.headers.get('content-transfer-encoding')) });
    }
  } else parts.push({ type: contentType, body: decodeBody(body, headers.get('content-transfer-encoding')) });
  const find = (t: string) => parts.find((p) => p.type.toLowerCase().startsWith(t))?.body ?? null;
  return { headers, contentType, text: find('text/plain'), html: find('text/html') };
}

function splitPart(text: string): { headers: Map<string, string>; body: string } {
  const at = text.indexOf('\r\n\r\n');
  const head = at === -1 ? text : text.slice(0, at);
  const body = at === -1 ? '' : text.slice(at + 4);
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), decodeWords(line.slice(colon + 1).trim()));
  }
  return { headers, body };
}

/** RFC 2047 encoded words (`=?UTF-8?Q?...?=`, `=?UTF-8?B?...?=`); whitespace between two of them is dropped. */
function decodeWords(value: string): string {
  return value
    .replace(/(\?=)\s+(=\?)/g, '$1$2')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_m, _charset: string, enc: string, data: string) =>
      enc.toUpperCase() === 'B' ? Buffer.from(data, 'base64').toString('utf8') : qpBytes(data.replace(/_/g, ' ')).toString('utf8'),
    );
}

function decodeBody(body: string, encoding: string | undefined): string {
  const enc = (encoding ?? '7bit').toLowerCase();
  const text = body.replace(/\r\n$/, '');
  if (enc === 'base64') return Buffer.from(text.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (enc === 'quoted-printable') return qpBytes(text.replace(/=\r\n/g, '')).toString('utf8').replace(/\r\n/g, '\n');
  return text.replace(/\r\n/g, '\n');
}

function qpBytes(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const hex = text.slice(i + 1, i + 3);
    if (text[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else bytes.push(...Buffer.from(text[i]!, 'utf8'));
  }
  return Buffer.from(bytes);
}
