import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook } from '../alerts/sign-webhook.ts';

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
  /** Parsed JSON when the signature verified; null otherwise. */
  payload: Record<string, any> | null;
  signatureValid: boolean;
  status: number;
  at: number;
}

export interface WebhookReceiverOptions {
  /** Secret the signatures are checked with. Required. */
  secret: string;
  /** Port on 127.0.0.1. Default 0 (any free port). */
  port?: number;
  /** Status to answer with; a function may vary it per request (e.g. 503 while "down"). Default 204. */
  respond?: (received: ReceivedWebhook) => number | { status: number; headers?: Record<string, string> };
  /** Called for every request, after it was answered. */
  onWebhook?: (received: ReceivedWebhook) => void;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Only the requests that were answered 2xx with a valid signature. */
  delivered(): ReceivedWebhook[];
  /** Resolves once `count` deliveries have arrived, or rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

/** A local Standard Webhooks receiver: the demo prints what it gets, the tests assert on it. */
export async function startWebhookReceiver(options: WebhookReceiverOptions): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const waiters: Array<() => void> = [];
  const delivered = () => received.filter((r) => r.signatureValid && r.status >= 200 && r.status < 300);
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let payload: Record<string, any> | null = null;
      let signatureValid = false;
      try {
        payload = verifyWebhook(options.secret, body, req.headers as Record<string, string>) as Record<string, any>;
        signatureValid = true;
      } catch {
        signatureValid = false;
      }
      const item: ReceivedWebhook = { headers: req.headers, body, payload, signatureValid, status: 0, at: Date.now() };
      const answer = options.respond?.(item) ?? 204;
      const { status, headers } = typeof answer === 'number' ? { status: answer, headers: {} } : answer;
      item.status = signatureValid ? status : 401;
      res.writeHead(item.status, headers).end();
      received.push(item);
      options.onWebhook?.(item);
      for (const w of waiters.splice(0)) w();
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    delivered,
    waitFor(count, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`waited ${timeoutMs} ms for ${count} deliveries, got ${delivered().length}`)), timeoutMs);
        const check = () => {
          if (delivered().length >= count) {
            clearTimeout(timer);
            resolve(delivered());
          } else waiters.push(check);
        };
        check();
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
