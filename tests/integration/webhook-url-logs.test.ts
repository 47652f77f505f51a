import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sendWebhook } from '../../src/alerts/index.ts';
import { loadConfig, type Config } from '../../src/config/index.ts';
import { runOnce } from '../../src/jobs/run-once.ts';
import { deliverWebhook } from '../../src/jobs/use-cases/deliver-webhook.ts';
import type { Logger, UseCaseDeps } from '../../src/jobs/use-cases/deps.ts';
import { SqliteStore } from '../../src/store/index.ts';
import { useCaseDeps } from '../../src/use-case-deps.ts';

// A Slack-style URL: its path and query are the credential.
const SECRET_PATH = '/services/T0SECRET/B0SECRET/XXsecretXX?token=q-secret';
const SECRET_PARTS = ['T0SECRET', 'B0SECRET', 'XXsecretXX', 'q-secret', '/services'];
const secret = `whsec_${randomBytes(24).toString('base64')}`;

let dir: string;
let store: SqliteStore;
let server: Server;
let origin: string;
let status: number;
let lines: string[];

/** Every log line as one string: its fields and its message. */
function capturingLog(): Logger {
  const log = (level: string) => (obj: object, msg?: string) => void lines.push(`${level} ${JSON.stringify(obj)} ${msg ?? ''}`);
  const logger: Logger = { info: log('info'), warn: log('warn'), error: log('error'), debug: log('debug'), child: () => logger };
  return logger;
}

const expectNoSecret = (texts: string[]) => {
  for (const text of texts) for (const part of SECRET_PARTS) expect(text, `"${text}" shows ${part}`).not.toContain(part);
};

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-hook-logs-'));
  store = new SqliteStore({ path: join(dir, 'vigie.db') });
  lines = [];
  status = 500;
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(status, status === 302 ? { location: '/elsewhere' } : {}).end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function configFor(urls: string[]): Config {
  return loadConfig({
    env: {},
    cwd: dir,
    object: { storage: dir, network: { allow: ['127.0.0.1/32'] }, sources: [], webhooks: urls.map((url) => ({ url, secret })) },
  });
}

async function pendingDelivery(config: Config, webhooks = config.webhooks): Promise<number> {
  await store.syncSources([{ id: 'alpha', url: 'https://alpha.example.org/' }], new Date().toISOString());
  const created = (await store.createEvent(
    { type: 'article.new', dedupeKey: `e-${randomBytes(4).toString('hex')}`, sourceId: 'alpha', storyId: null, payload: { type: 'article.new' }, webhooks },
    new Date().toISOString(),
  ))!;
  return created.deliveries[0]!.id;
}

describe('webhook URLs are secrets: errors and logs name scheme and host only', () => {
  it('sendWebhook: the error of a 500, a 429, a redirect and a refused connection', async () => {
    const messages: string[] = [];
    for (const s of [500, 429, 302]) {
      status = s;
      const err = await sendWebhook({ url: origin + SECRET_PATH, secret, msgId: 'msg_1', body: '{}', allowNetworks: ['127.0.0.1/32'] }).catch((e: Error) => e);
      messages.push((err as Error).message);
    }
    const closed = `http://127.0.0.1:1${SECRET_PATH}`;
    messages.push(((await sendWebhook({ url: closed, secret, msgId: 'msg_2', body: '{}', allowNetworks: ['127.0.0.1/32'] }).catch((e: Error) => e)) as Error).message);
    expectNoSecret(messages);
    expect(messages[0]).toBe(`POST ${origin}: HTTP 500`);
    expect(messages[3]).toMatch(/^POST http:\/\/127\.0\.0\.1:1: /);
  });

  it('deliverWebhook: its log lines and the attempts it stores, including a webhook no longer configured', async () => {
    const config = configFor([origin + SECRET_PATH]);
    const deps: UseCaseDeps = { ...(await useCaseDeps(config, store, capturingLog())), now: () => new Date() };
    const id = await pendingDelivery(config);
    await expect(deliverWebhook(deps, id)).rejects.toThrow(`POST ${origin}: HTTP 500`);
    // A delivery whose webhook has left the config since.
    const gone = `https://old.example.net${SECRET_PATH}`;
    const orphan = await pendingDelivery(config, [{ ...config.webhooks[0]!, id: 'wh_gone', url: gone }]);
    expect(await deliverWebhook(deps, orphan)).toBe('gave-up');
    const stored = [...(await store.attempts(id)), ...(await store.attempts(orphan))].map((a) => a.error ?? '');
    expect(stored).toHaveLength(2);
    expect(lines.length).toBeGreaterThan(0);
    expectNoSecret([...lines, ...stored]);
    expect(stored[1]).toBe('webhook wh_gone (https://old.example.net) is no longer configured');
  });

  it('vigie start --once: the line of a delivery kept for later', async () => {
    const config = configFor([origin + SECRET_PATH]);
    const deps = await useCaseDeps(config, store, capturingLog());
    await pendingDelivery(config);
    const said: string[] = [];
    const report = await runOnce(deps, (line) => said.push(line));
    expect(report.deliveries.pending).toBe(1);
    expect(said.some((l) => l.includes(`to ${origin}: POST ${origin}: HTTP 500 (kept, will retry)`))).toBe(true);
    expectNoSecret([...said, ...lines]);
  });
});
