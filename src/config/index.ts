export { ConfigError } from './config-error.ts';
export { EVENT_TYPES, type Config, type ConfigInput, type EventType, type SourceConfig, type WebhookConfig } from './config-schema.ts';
export { databaseUrlProblem, redactUrl } from './database-url.ts';
export { parseDuration } from './duration.ts';
export { loadConfig, type LoadConfigOptions } from './load-config.ts';
export { hostIntervalFor, hostOf, intervalOfHost } from './host-interval.ts';
export { describeKind, isRefused, parseCidr, type Cidr, type RefusedKind } from './network-policy.ts';
