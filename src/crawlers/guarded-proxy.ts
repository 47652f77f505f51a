import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect as netConnect, type AddressInfo, type Socket } from 'node:net';
import { request } from 'undici';
import { allowedAddress, cidrsOf, guardedAgent } from './guarded-agent.ts';
import { refusalIn, RefusedAddressError } from './refused-address-error.ts';

/** Header of the proxy's 403 for a refused address: the refusal as JSON, so the fetcher can say what happened. */
export const REFUSED_HEADER = 'x-vigie-refused';

export interface GuardedProxy {
  /** `http://127.0.0.1:<port>`, for Chromium's `--proxy-server`. */
  url: string;
  /** The last refusal of each host, for tunnels (https), which can carry no header back. */
  refusals: Map<string, RefusedAddressError>;
  close(): Promise<void>;
}

// Hop-by-hop headers (RFC 9110 7.6.1) belong to one connection and are not forwarded.
const HOP_BY_HOP = new Set(['connection', 'proxy-connection', 'keep-alive', 'proxy-authorization', 'proxy-authenticate', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host']);

/**
 * A forward proxy on loopback that the browser sends everything through: pages, redirect hops, sub-resources,
 * scripts' requests and https tunnels. It resolves each host and judges the address it then connects to, as the
 * HTTP path does. Playwright's request interception could not do this: its handler never sees redirect hops, and
 * the browser would resolve the name again after the check.
 */
export async function startGuardedProxy(allowNetworks: readonly string[]): Promise<GuardedProxy> {
  const allow = cidrsOf(allowNetworks);
  const agent = guardedAgent(allowNetworks);
  const refusals = new Map<string, RefusedAddressError>();
  const sockets = new Set<Socket>();

  const server = createServer((req, res) => void forward(req, res));
  server.on('connection', (socket: Socket) => (sockets.add(socket), socket.once('close', () => sockets.delete(socket))));
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => void tunnel(req, client, head));

  async function forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const abort = new AbortController();
    res.once('close', () => abort.abort());
    try {
      const upstream = await request(req.url ?? '', {
        dispatcher: agent,
        method: (req.method ?? 'GET') as 'GET',
        headers: endToEnd(req.headers),
        body: req.method === 'GET' || req.method === 'HEAD' ? null : req,
        signal: abort.signal,
      });
      res.writeHead(upstream.statusCode, endToEnd(upstream.headers));
      upstream.body.on('error', () => res.destroy()).pipe(res);
    } catch (err) {
      const refused = refusalIn(err);
      if (refused) refusals.set(refused.host, refused);
      if (res.headersSent) return void res.destroy();
      const headers: Record<string, string> = { 'content-type': 'text/plain' };
      if (refused) headers[REFUSED_HEADER] = JSON.stringify({ host: refused.host, address: refused.address, kind: refused.kind });
      res.writeHead(refused ? 403 : 502, headers).end(refused ? refused.message : `proxy: ${(err as Error).message}`);
    }
  }

  async function tunnel(req: IncomingMessage, client: Socket, head: Buffer): Promise<void> {
    client.on('error', () => undefined);
    try {
      const target = new URL(`http://${req.url ?? ''}`);
      const address = await allowedAddress(target.hostname, allow);
      const upstream = netConnect({ host: address, port: Number(target.port || 443) });
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      upstream.once('connect', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        if (head.length > 0) upstream.write(head);
        upstream.pipe(client).on('error', () => undefined);
        client.pipe(upstream);
      });
    } catch (err) {
      const refused = refusalIn(err);
      if (refused) refusals.set(refused.host, refused);
      client.end(`HTTP/1.1 ${refused ? '403 Forbidden' : '502 Bad Gateway'}\r\n\r\n`);
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    refusals,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The refusal a proxy 403 carries, if it is one. */
export function refusalFromHeader(value: string | null | undefined): RefusedAddressError | null {
  if (!value) return null;
  try {
    const { host, address, kind } = JSON.parse(value) as { host: string; address: string; kind: RefusedAddressError['kind'] };
    return new RefusedAddressError(host, address, kind);
  } catch {
    return null;
  }
}

function endToEnd(headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !HOP_BY_HOP.has(name.toLowerCase())) out[name] = value;
  return out;
}
