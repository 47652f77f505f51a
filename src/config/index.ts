export { ConfigError } from './config-error.ts';
export { CHANNEL_KINDS } from './channel-schema.ts';
export {
  EVENT_TYPES,
  type ChannelConfig,
  type Config,
  type ConfigInput,
  type DigestConfig,
  type EventType,
  type SourceConfig,
  type WatchlistConfig,
  type WebhookConfig,
} from './config-schema.ts';
export { databaseUrlProblem, redactUrl } from './database-url.ts';
export { parseDuration } from './duration.ts';
export { loadConfig, type LoadConfigOptions } from './load-config.ts';
export { hostIntervalFor, hostOf, intervalOfHost } from './host-interval.ts';
export { describeKind, isRefused, parseCidr, type Cidr, type RefusedKind } from './network-policy.ts';
