import type { ChannelConfig } from '../../config/index.ts';
import type { Channel } from './send-channel.ts';

/**
 * Where a delivery to a configured channel goes, as the deliveries table keeps it: the channel's id, and its URL.
 * An email channel's URL is its SMTP server without the password (the password stays in the config only).
 */
export function channelTarget(channel: ChannelConfig): { id: string; url: string } {
  if (channel.kind !== 'email') return { id: channel.id, url: channel.url };
  try {
    const url = new URL(channel.smtp);
    url.password = '';
    return { id: channel.id, url: url.href };
  } catch {
    return { id: channel.id, url: `mailto:${channel.to.join(',')}` };
  }
}

/** The channel as sendChannel takes it; null for a Standard Webhooks channel, which the webhook sender signs. */
export function channelOf(channel: ChannelConfig): Channel | null {
  if (channel.kind === 'webhook') return null;
  if (channel.kind === 'email') return { kind: 'email', smtp: channel.smtp, from: channel.from, to: channel.to };
  return { kind: channel.kind, url: channel.url };
}
