import { z } from 'zod';
import { configId } from './config-id.ts';
import { isRefused } from './network-policy.ts';
import { webhookSecret } from './webhook-secret.ts';

export const CHANNEL_KINDS = ['slack', 'teams', 'discord', 'webhook', 'email'] as const;

const CHANNEL_URL_EXPECTED = 'expected an https URL (http only to a loopback host)';

/** Scheme and host: a chat webhook's path is its credential, and config errors go to logs. */
const endpointOf = (url: URL) => `${url.protocol}//${url.host}…`;

/** http is for a receiver on this machine (tests, a local relay): beyond it the token would cross the network in clear. */
function loopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || isRefused(hostname) === 'loopback';
}

/** A chat or webhook URL: https, or http to loopback. Never quoted back whole: only its scheme and host. */
const channelUrl = z.string({ error: CHANNEL_URL_EXPECTED }).superRefine((text, ctx) => {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    ctx.addIssue({ code: 'custom', message: CHANNEL_URL_EXPECTED });
    return;
  }
  const ok = url.protocol === 'https:' || (url.protocol === 'http:' && loopbackHost(url.hostname));
  if (!ok || url.hostname === '') ctx.addIssue({ code: 'custom', message: `${CHANNEL_URL_EXPECTED}, got ${endpointOf(url)}` });
});

// The HTML standard's "valid e-mail address": a bare address, no display name.
const ADDRESS = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;
const ADDRESS_EXPECTED = 'expected an email address like desk@example.org';

const address = z
  .string({ error: ADDRESS_EXPECTED })
  .refine((a) => ADDRESS.test(a), { error: (issue) => `${ADDRESS_EXPECTED}, got "${String(issue.input)}"` });

const SMTP_EXPECTED = 'expected an smtp:// or smtps:// URL like "smtp://user:pass@mail.example.org:587"';

/** The SMTP URL holds the password: errors show at most its scheme and host. */
const smtpUrl = z.string({ error: SMTP_EXPECTED }).superRefine((text, ctx) => {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    ctx.addIssue({ code: 'custom', message: SMTP_EXPECTED });
    return;
  }
  if ((url.protocol !== 'smtp:' && url.protocol !== 'smtps:') || url.hostname === '') {
    ctx.addIssue({ code: 'custom', message: url.hostname === '' ? SMTP_EXPECTED : `${SMTP_EXPECTED}, got ${endpointOf(url)}` });
  }
});

const emailSchema = z
  .object({
    to: z.array(address, { error: 'expected a list of addresses like [desk@example.org]' }).min(1, 'expected at least one address'),
    from: address,
    smtp: smtpUrl,
  }, { error: 'expected { to: [addresses], from: address, smtp: URL }' })
  .strict();

const webhookChannelSchema = z
  .object({ url: channelUrl, secret: webhookSecret }, { error: 'expected { url: https URL, secret: whsec_... }' })
  .strict();

/**
 * One place messages go, named by its id in watchlists' `notify`. The kind is the one key given among
 * slack, teams, discord, webhook and email; parsed to `{ id, kind, ... }` as the channel layer takes it.
 */
export const channelSchema = z
  .object({
    id: configId,
    slack: channelUrl.optional(),
    teams: channelUrl.optional(),
    discord: channelUrl.optional(),
    webhook: webhookChannelSchema.optional(),
    email: emailSchema.optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const given = CHANNEL_KINDS.filter((k) => c[k] !== undefined);
    if (given.length !== 1) {
      const got = given.length === 0 ? 'none' : given.join(' and ');
      ctx.addIssue({ code: 'custom', message: `expected exactly one of ${CHANNEL_KINDS.join(', ')}, got ${got}` });
    }
  })
  .transform((c) => {
    if (c.slack !== undefined) return { id: c.id, kind: 'slack' as const, url: c.slack };
    if (c.teams !== undefined) return { id: c.id, kind: 'teams' as const, url: c.teams };
    if (c.discord !== undefined) return { id: c.id, kind: 'discord' as const, url: c.discord };
    if (c.webhook !== undefined) return { id: c.id, kind: 'webhook' as const, ...c.webhook };
    // The refinement above leaves only email.
    return { id: c.id, kind: 'email' as const, ...c.email! };
  });
