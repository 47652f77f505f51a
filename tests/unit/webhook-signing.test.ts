import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhook } from '../../src/alerts/index.ts';

const key = randomBytes(32);
const secret = `whsec_${key.toString('base64')}`;
const body = JSON.stringify({ type: 'article.new', timestamp: '2026-12-01T08:00:00.000Z', data: { source: 'a', text: 'Éditoriaux — défense' } });
const msgId = 'msg_0123456789abcdef';

/** Standard Webhooks, computed here without the library: HMAC-SHA256 over `id.timestamp.body`, key = base64 after `whsec_`. */
const expected = (id: string, timestamp: number, payload: string) =>
  `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${payload}`, 'utf8').digest('base64')}`;

describe('signWebhook', () => {
  it('signs `id.timestamp.body` with HMAC-SHA256 keyed by the decoded secret', () => {
    const at = new Date('2026-12-01T08:00:00.750Z');
    const headers = signWebhook(secret, msgId, body, at);
    const seconds = Math.floor(at.getTime() / 1000);
    expect(headers).toEqual({ 'webhook-id': msgId, 'webhook-timestamp': String(seconds), 'webhook-signature': expected(msgId, seconds, body) });
  });

  it('makes a new timestamp and signature per attempt, with the same id', () => {
    const first = signWebhook(secret, msgId, body, new Date('2026-12-01T08:00:00Z'));
    const retry = signWebhook(secret, msgId, body, new Date('2026-12-01T08:00:05Z'));
    expect(retry['webhook-id']).toBe(first['webhook-id']);
    expect(retry['webhook-timestamp']).toBe(String(Number(first['webhook-timestamp']) + 5));
    expect(retry['webhook-signature']).not.toBe(first['webhook-signature']);
  });
});

describe('verifyWebhook', () => {
  const fresh = () => ({ ...signWebhook(secret, msgId, body, new Date()) });

  it('accepts what signWebhook made and returns the payload', () => {
    expect(verifyWebhook(secret, body, fresh())).toEqual(JSON.parse(body));
  });

  it('rejects a tampered body, a wrong secret, a changed id and an old timestamp', () => {
    const headers = fresh();
    expect(() => verifyWebhook(secret, body.replace('"a"', '"b"'), headers)).toThrow();
    expect(() => verifyWebhook(`whsec_${randomBytes(32).toString('base64')}`, body, headers)).toThrow();
    expect(() => verifyWebhook(secret, body, { ...headers, 'webhook-id': 'msg_other' })).toThrow();
    const old = signWebhook(secret, msgId, body, new Date(Date.now() - 3_600_000));
    expect(() => verifyWebhook(secret, body, { ...old })).toThrow();
  });
});
