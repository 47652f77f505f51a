import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '../config/cli-io.ts';
import { loadConfig } from '../config/index.ts';
import type { Logger } from '../config/logger.ts';
import { startMonitor } from '../monitor.ts';
import { startDemoSite } from './demo-site.ts';
import { startWebhookReceiver } from './webhook-receiver.ts';

/**
 * `vigie demo`: a simulated defense-news site that publishes every few seconds, a webhook receiver that prints
 * each signed alert, and the whole monitor watching the site, all on loopback with throw-away storage.
 */
export async function runDemo({ io, log }: { io: CliIo; log: Logger }): Promise<number> {
  const storage = mkdtempSync(join(tmpdir(), 'vigie-demo-'));
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  const site = await startDemoSite({ everyMs: 8_000 });
  let alerts = 0;
  const receiver = await startWebhookReceiver({
    secret,
    onWebhook: (r) => {
      const p = r.payload;
      if (!p) return io.out(`receiver: rejected a request with a bad signature`);
      alerts += 1;
      const text = String(p.data?.article?.text ?? '').replace(/\s+/g, ' ');
      io.out(
        `\n[alert ${alerts}] ${p.type} from ${p.data?.source} (signature verified, webhook-id ${r.headers['webhook-id']})\n  ${p.data?.entry?.title}\n  ${p.data?.entry?.url}\n  ${text.slice(0, 160)}${text.length > 160 ? '…' : ''}`,
      );
    },
  });
  // The site and the receiver listen on 127.0.0.1: that one address is allowed, and an allow-list from the
  // environment (meant for real sources) must not replace it.
  const { VIGIE_ALLOW_NETWORKS: _ignored, ...env } = io.env;
  const config = loadConfig({
    env: { ...env, VIGIE_STORAGE: storage },
    object: {
      redis: io.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      queuePrefix: `vigie-demo-${process.pid}`,
      server: { host: '127.0.0.1', port: Number(io.env.PORT ?? 0) },
      crawl: { hostInterval: '200ms', respectRobotsTxt: true, timeout: '10s' },
      network: { allow: ['127.0.0.1/32'] },
      sources: [{ id: 'demo-defense-news', url: site.listUrl, every: '3s' }],
      webhooks: [{ url: receiver.url, secret, events: ['article.new'] }],
    },
  });
  const monitor = await startMonitor({ config, roles: { scheduler: true, workers: true, server: true }, log, privateRedis: true });
  io.out(
    [
      'Vigie demo is running.',
      `  simulated site:   ${site.url}   (publishes a new article every 8 s)`,
      `  watched page:     ${site.listUrl}`,
      `  webhook receiver: ${receiver.url}`,
      `  dashboard:        ${monitor.url}/   queues: ${monitor.url}/queues   health: ${monitor.url}/health`,
      'The first crawl is a silent baseline; each new article then arrives below as a signed alert. Ctrl-C stops.',
    ].join('\n'),
  );
  const signal = await io.stopSignal();
  io.err(`${signal}: stopping the demo (${alerts} alerts received)`);
  // The demo's queues live under a prefix of their own; they are emptied so a shared Redis keeps nothing of it.
  for (const q of monitor.queues.all) await q.obliterate({ force: true }).catch(() => undefined);
  await monitor.close();
  await receiver.close();
  await site.stop();
  rmSync(storage, { recursive: true, force: true });
  return 0;
}
