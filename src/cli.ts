import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, parseCidr, type Config } from './config/index.ts';
import { createLogger, logLevelProblem } from './create-logger.ts';
import type { CliIo } from './config/cli-io.ts';
import type { Logger } from './config/logger.ts';
import type { Monitor } from './monitor.ts';

// Each command loads only what it uses: Crawlee, Playwright, BullMQ and Fastify together take seconds to import,
// which `vigie --help` or a bad config should not pay.
const monitorModule = () => import('./monitor.ts');

const USAGE = `vigie — watches news sites' latest-articles lists and sends signed webhooks for new entries

Usage:
  vigie start [--config FILE] [--once]   scheduler + workers + HTTP server (--once: crawl everything once, then exit)
  vigie worker [--config FILE]           workers only (scale out against the same Redis)
  vigie server [--config FILE]           HTTP server only (dashboard, /queues, /health, /api)
  vigie check <url|file> [--url URL] [--render browser] [--json]
                                         show what Vigie reads on one page (no Redis needed)
  vigie demo                             a simulated news site, a webhook receiver and the monitor, on loopback

Config: --config FILE, else VIGIE_CONFIG, else ./vigie.config.yaml. Environment overrides:
  REDIS_URL, VIGIE_STORAGE, VIGIE_HOST, PORT, VIGIE_TOKEN (needed to bind beyond loopback, and for any change through
  the dashboard), VIGIE_CHROMIUM_NO_SANDBOX (root only), VIGIE_ALLOW_NETWORKS (private CIDRs Vigie may connect to;
  also read by \`vigie check\`). LOG_LEVEL sets the log level (default info).`;

export type { CliIo } from './config/cli-io.ts';

const defaultIo = (): CliIo => ({
  out: (t) => process.stdout.write(t + '\n'),
  err: (t) => process.stderr.write(t + '\n'),
  env: process.env,
  stopSignal: () => new Promise((resolve) => ['SIGINT', 'SIGTERM'].forEach((s) => process.once(s, () => resolve(s)))),
});

/** Runs one `vigie` command and returns its exit code: 0 done, 1 failed, 2 bad usage or config. */
export async function main(argv: string[], io: CliIo = defaultIo()): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        config: { type: 'string', short: 'c' },
        once: { type: 'boolean' },
        url: { type: 'string' },
        render: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    io.err(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    (values.help ? io.out : io.err)(USAGE);
    return values.help ? 0 : 2;
  }
  // The demo's own lines are the show, and `--once` prints a progress line per source: their JSON info lines would
  // say each thing twice unless asked for. Problems still come at warn.
  const quiet = command === 'demo' || (command === 'start' && values.once === true);
  const level = io.env.LOG_LEVEL ?? (quiet ? 'warn' : 'info');
  const levelProblem = logLevelProblem(level);
  if (levelProblem) {
    io.err(`vigie: ${levelProblem}`);
    return 2;
  }
  const log = createLogger(level);
  try {
    switch (command) {
      case 'start':
      case 'worker':
      case 'server': {
        const config = loadConfig({ file: values.config, env: io.env });
        // A watchlist term that can never match is a config error too: said now, before Redis and the crawlers.
        (await import('./jobs/use-cases/config-watchlists.ts')).configWatchlists(config);
        if (command === 'start' && values.once) return await once(config, io, log);
        const roles = { scheduler: command === 'start', workers: command !== 'server', server: command !== 'worker' };
        // Before Redis and the crawlers: a server that must not listen is said at once, not after seconds of start-up.
        const bindWhy = roles.server ? (await import('./server/bind-problem.ts')).bindProblem(config.server) : null;
        if (bindWhy) {
          io.err(`vigie ${command}: ${bindWhy}`);
          return 2;
        }
        if (config.sources.length === 0 && roles.scheduler) io.err(`warning: no sources in ${config.origin}; nothing will be crawled`);
        // Said before loading the crawlers (seconds of imports), so a missing Redis is reported at once.
        const { redisHelp, redisServerOnPath } = await import('./jobs/private-redis.ts');
        const { redisAnswers } = await import('./jobs/redis-connection.ts');
        if (!(await redisAnswers(config.redis)) && !(command === 'start' && redisServerOnPath())) {
          const why = command === 'start' ? undefined : `and \`vigie ${command}\` never starts a private one (\`vigie start\` does)`;
          io.err(`vigie ${command}: ${redisHelp(config.redis, why)}`);
          return 1;
        }
        const { startMonitor } = await monitorModule();
        const monitor = await startMonitor({ config, roles, log, privateRedis: command === 'start' });
        return await untilStopped(monitor, io);
      }
      case 'check':
        return await check(rest[0], values, io);
      case 'demo':
        return await (await import('./demo/run-demo.ts')).runDemo({ io, log });
      default:
        io.err(`unknown command "${command}"\n\n${USAGE}`);
        return 2;
    }
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err(err.message);
      return 2;
    }
    io.err(`vigie ${command}: ${(err as Error).message}`);
    return 1;
  }
}

async function untilStopped(monitor: Monitor, io: CliIo): Promise<number> {
  const signal = await io.stopSignal();
  io.err(`${signal}: stopping`);
  await monitor.close();
  return 0;
}

async function once(config: Config, io: CliIo, log: Logger): Promise<number> {
  // One pass needs the store, the HTTP crawler and the use-cases only. monitor.ts would also load BullMQ, Fastify
  // and bull-board: about a second of imports that `--once` never uses, on every cron run.
  const [{ openStore, useCaseDeps }, { runOnce, ONCE_CONCURRENCY }, { ListReader }, { stopIdleFetchers }] = await Promise.all([
    import('./use-case-deps.ts'),
    import('./jobs/run-once.ts'),
    import('./crawlers/list-reader.ts'),
    import('./crawlers/page-fetcher.ts'),
  ]);
  const store = await openStore(config);
  // Pages are parsed on another core while this thread fetches and stores (first sight of many sources). As many
  // lists may wait on a thread as there are checks at once: a list read here instead holds up every other check's
  // fetch and store, and makes V8 compile the parser a second time for this thread (see README, check cycle).
  const lists = new ListReader({ threads: config.sources.length > 1 ? undefined : 0, maxQueued: ONCE_CONCURRENCY, log });
  try {
    await store.syncSources(config.sources, new Date().toISOString());
    const deps = { ...(await useCaseDeps(config, store, log)), readList: lists.read.bind(lists) };
    try {
      const report = await runOnce(deps, (line) => io.err(line));
      io.out(JSON.stringify(report, null, 2));
      return report.failedSources.length > 0 ? 1 : 0;
    } finally {
      await deps.browser?.close();
      // The process exits now, not when the idle crawler stops itself (a tenth of a second later).
      await stopIdleFetchers();
    }
  } finally {
    await lists.close();
    await store.close();
  }
}

async function check(target: string | undefined, values: { url?: string; render?: string; json?: boolean }, io: CliIo): Promise<number> {
  if (!target) {
    io.err('vigie check: give a URL or a file\n\n' + USAGE);
    return 2;
  }
  if (values.render !== undefined && values.render !== 'browser' && values.render !== 'http') {
    io.err(`vigie check: --render must be "browser" or "http", got "${values.render}"`);
    return 2;
  }
  // No config file here: the one allow-list `check` knows is the environment's.
  const allowNetworks = (io.env.VIGIE_ALLOW_NETWORKS ?? '').split(',').map((c) => c.trim()).filter((c) => c !== '');
  const badCidr = allowNetworks.find((c) => parseCidr(c) === null);
  if (badCidr !== undefined) {
    io.err(`vigie check: VIGIE_ALLOW_NETWORKS: expected a CIDR like "10.1.0.0/16" or "fd00::/8", got "${badCidr}"`);
    return 2;
  }
  const { readPage } = await import('./extract/read-page.ts');
  let html: string;
  let url: string;
  if (/^https?:\/\//i.test(target)) {
    // Not crawlers/index.ts, which loads Playwright even for a page read over HTTP.
    const [{ fetchPages, stopIdleFetchers }, { RobotsPolicy }] = await Promise.all([import('./crawlers/page-fetcher.ts'), import('./crawlers/robots-policy.ts')]);
    url = target;
    const userAgent = 'Vigie/0.1 (vigie check)';
    const [result] = await fetchPages([{ url }], {
      render: values.render === 'browser' ? 'browser' : 'http',
      userAgent,
      allowNetworks,
      robots: new RobotsPolicy({ userAgent, allowNetworks }),
      // No config file here either: the environment says whether Chromium may drop its sandbox (root only).
      chromiumNoSandbox: /^(1|true)$/i.test(io.env.VIGIE_CHROMIUM_NO_SANDBOX ?? ''),
    });
    await stopIdleFetchers();
    if (!result!.ok) {
      io.err(`vigie check: ${result!.error.message}`);
      return 1;
    }
    html = result!.page.html ?? '';
    url = result!.page.finalUrl;
  } else {
    let bytes: Buffer;
    try {
      bytes = readFileSync(target);
    } catch (err) {
      io.err(`vigie check: cannot read ${target}: ${(err as Error).message}`);
      return 1;
    }
    html = (await import('./extract/decode-html.ts')).decodeHtml(bytes).html;
    url = values.url ?? pathToFileURL(resolve(target)).href;
  }
  const { article } = readPage(html, { url, learn: false });
  const { canonicalUrl } = await import('./dedupe/canonical-url.ts');
  const latest = article.latest.map((e) => ({ title: e.title, url: safeCanonical(canonicalUrl, e.url) }));
  const shown = { title: article.title, text: article.text, lang: article.lang, publishedAt: article.publishedAt, canonicalUrl: article.canonicalUrl, latest };
  if (values.json) io.out(JSON.stringify({ ...shown, byline: article.byline, warnings: article.warnings }, null, 2));
  else {
    io.out(`title:        ${shown.title}\nlang:         ${shown.lang ?? '-'}\npublishedAt:  ${shown.publishedAt ?? '-'}\ncanonicalUrl: ${shown.canonicalUrl ?? '-'}`);
    for (const w of article.warnings) io.out(`warning:      ${w}`);
    io.out(`\ntext:\n${shown.text}\n\nlatest (${latest.length}):`);
    for (const e of latest) io.out(`  ${e.title}\n    ${e.url}`);
  }
  return 0;
}

function safeCanonical(canonicalUrl: (url: string) => string, url: string): string {
  try {
    return canonicalUrl(url);
  } catch {
    return url;
  }
}
