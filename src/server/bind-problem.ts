import { isLoopbackHost } from './loopback-host.ts';

/**
 * Why the server must not listen where the config says, or null. Beyond loopback without a token, anyone who can
 * reach the port would read every source, article and delivery, and drive the queues.
 */
export function bindProblem(server: { host: string; token?: string }): string | null {
  if (server.token || isLoopbackHost(server.host)) return null;
  return (
    `server.host is ${server.host}, beyond loopback, and no token is set: anyone who can reach the port could read ` +
    'the dashboard and the queues. Set VIGIE_TOKEN (or server.token), or bind to 127.0.0.1.'
  );
}
