import type { FastifyInstance } from 'fastify';
import type { ServerContext } from './server-context.ts';

/** RSS, Atom and JSON Feed under /feeds (issue 11; being built). */
export async function registerFeeds(_app: FastifyInstance, _ctx: ServerContext): Promise<void> {}
