import type { FastifyInstance } from 'fastify';

export interface RouteLine {
  path: string;
  methods: string[];
}

/**
 * Every route the app serves, read from Fastify's own route tree (printRoutes), so a route added later (ours or a
 * bull-board upgrade's) is covered by the auth tests without editing them.
 */
export function serverRoutes(app: FastifyInstance): RouteLine[] {
  const parents: string[] = [];
  const routes: RouteLine[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const at = line.indexOf('── ');
    if (at < 0) continue;
    const depth = Math.round((at - 1) / 4);
    const m = /^(\S+)(?: \(([^)]*)\))?/.exec(line.slice(at + 3));
    if (!m) continue;
    const path = (depth > 0 ? parents[depth - 1]! : '') + m[1]!;
    parents[depth] = path;
    parents.length = depth + 1;
    if (m[2]) routes.push({ path, methods: m[2].split(',').map((s) => s.trim()) });
  }
  return routes;
}

/** A route's path with its parameters filled in. */
export function fillPath(path: string, params: Record<string, string>): string {
  return path.replace(/:(\w+)/g, (_, name: string) => params[name] ?? 'x').replace(/\*$/, 'static/x.js');
}
