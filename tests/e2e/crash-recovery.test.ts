import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../src/alerts/sign-webhook.ts';
import { startNewsSite } from '../../src/demo/news-site.ts';
import { initialStories, toPublish } from '../fixtures/stories.ts';
import { tempConfig } from '../helpers/config-file.ts';
import { until as waitUntil } from '../helpers/wait.ts';

const BIN = resolve(import.meta.dirname, '../../bin/vigie.js');
const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe('a worker killed in the middle of a delivery', () => {
  it('loses nothing: after a restart the alert is delivered once, with the same webhook-id', async () => {
    const secret = `whsec_${randomBytes(24).toString('base64')}`;
    let hang = true;
    const requests: Array<{ headers: IncomingHttpHeaders; valid: boolean; answered: boolean }> = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        let valid = true;
        try {
          verifyWebhook(secret, body, req.headers as Record<string, string>);
        } catch {
          valid = false;
        }
        requests.push({ headers: req.headers, valid, answered: !hang });
        if (!hang) res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => (receiver.closeAllConnections(), receiver.close(r))));
    const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

    const site = await startNewsSite({ template: 'wordpress', articles: initialStories.slice(0, 8) });
    cleanups.push(() => site.close());
    const { file } = tempConfig(cleanups, 'crash', [
      'workers: { lockDuration: 2s }',
      'delivery: { timeout: 60s }',
      'sources:',
      `  - { id: wp, url: "${site.listUrl}", every: 1s }`,
      'webhooks:',
      `  - { url: "${hookUrl}", secret: "${secret}" }`,
    ]);
    const start = (): ChildProcess => {
      const child = spawn(process.execPath, [BIN, 'start', '--config', file], { stdio: 'ignore', env: { ...process.env, LOG_LEVEL: 'warn' } });
      cleanups.push(() => child.kill('SIGKILL'));
      return child;
    };
    const until = (what: string, ok: () => boolean, ms = 30_000) => waitUntil(what, () => (ok() ? true : undefined), ms);

    const first = start();
    await until('the baseline crawl', () => site.requests.filter((r) => r.path === '/' && r.status === 200).length >= 1);
    await new Promise((r) => setTimeout(r, 1_500));
    site.publish(toPublish[0]!);
    await until('the first delivery attempt', () => requests.length >= 1);
    const exited = new Promise((r) => first.once('exit', r));
    first.kill('SIGKILL');
    await exited;

    hang = false;
    start();
    await until('the delivery after restart', () => requests.some((r) => r.answered), 40_000);
    await new Promise((r) => setTimeout(r, 3_000));
    const answered = requests.filter((r) => r.answered);
    expect(answered).toHaveLength(1);
    expect(requests.every((r) => r.valid)).toBe(true);
    expect(new Set(requests.map((r) => r.headers['webhook-id'])).size).toBe(1);
  }, 90_000);
});
