import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A test HTTP server on `host` (any loopback address) and a free port, which records every request it gets. */
export interface Listening {
  origin: string;
  port: number;
  /** `METHOD /path?query` of every request received, in order. */
  paths: string[];
  close(): Promise<void>;
}

/** `onConnection` is told of each connection as it is accepted, before its first request is read. */
export async function listen(host: string, handler: Handler, onConnection?: (socket: Socket) => void): Promise<Listening> {
  const paths: string[] = [];
  const server: Server = createServer((req, res) => {
    paths.push(`${req.method} ${req.url}`);
    handler(req, res);
  });
  if (onConnection) server.on('connection', onConnection);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://${host}:${port}`,
    port,
    paths,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}
