import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CORE_SCHEMA, load as loadYaml } from 'js-yaml';
import type { z } from 'zod';
import { ConfigError } from './config-error.ts';
import { configSchema, type Config } from './config-schema.ts';

export interface LoadConfigOptions {
  /** Path given on the command line (`--config`). Default: `VIGIE_CONFIG`, then `./vigie.config.yaml` if present. */
  file?: string;
  /** Environment to read overrides from. Default: `process.env` (read here, and only here). */
  env?: NodeJS.ProcessEnv;
  /** Directory relative paths are resolved against when there is no file. Default: `process.cwd()`. */
  cwd?: string;
  /** An already-parsed config object instead of a file (tests, `vigie check`). */
  object?: unknown;
}

const DEFAULT_FILE = 'vigie.config.yaml';

/** Reads the config file and environment once, validates them, and returns one frozen object. */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  // An object is the whole config: a VIGIE_CONFIG in the environment must not redirect its origin or storage.
  const file =
    options.object !== undefined ? undefined : (options.file ?? env.VIGIE_CONFIG ?? (existsSync(resolve(cwd, DEFAULT_FILE)) ? DEFAULT_FILE : undefined));
  const path = file === undefined ? undefined : resolve(cwd, file);
  const origin = path ?? (options.object !== undefined ? 'config object' : 'defaults');

  let raw: unknown = options.object ?? {};
  if (path !== undefined) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new ConfigError([`cannot read the config file: ${(err as Error).message}`], origin);
    }
    try {
      // js-yaml: the `yaml` package took about 90 ms of a start to read 500 sources, js-yaml about 25 ms. The core
      // schema is YAML 1.2's, as `yaml` read it: no timestamps (a date stays a string), no `<<` merge keys.
      raw = loadYaml(text, { schema: CORE_SCHEMA, filename: path }) ?? {};
    } catch (err) {
      throw new ConfigError([`not valid YAML: ${(err as Error).message.split('\n')[0]}`], origin);
    }
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(['the config must be a mapping (key: value) at the top level'], origin);
  }

  const merged: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
  const server = { ...((merged.server as Record<string, unknown> | undefined) ?? {}) };
  if (env.REDIS_URL) merged.redis = env.REDIS_URL;
  if (env.DATABASE_URL) merged.database = env.DATABASE_URL;
  // `database:` left empty in the file means what its absence means: SQLite.
  else if (merged.database === '') merged.database = null;
  if (env.VIGIE_STORAGE) merged.storage = resolve(cwd, env.VIGIE_STORAGE);
  if (env.PORT) server.port = /^\d+$/.test(env.PORT) ? Number(env.PORT) : env.PORT;
  if (env.VIGIE_TOKEN) server.token = env.VIGIE_TOKEN;
  if (env.VIGIE_HOST) server.host = env.VIGIE_HOST;
  if (env.VIGIE_PUBLIC_URL) server.publicUrl = env.VIGIE_PUBLIC_URL;
  if (Object.keys(server).length > 0) merged.server = server;
  // The whole list, not an addition to the file's: an operator can narrow what a shared file allows.
  if (env.VIGIE_ALLOW_NETWORKS !== undefined) {
    const allow = env.VIGIE_ALLOW_NETWORKS.split(',').map((c) => c.trim()).filter((c) => c !== '');
    merged.network = { ...((merged.network as Record<string, unknown> | undefined) ?? {}), allow };
  }

  if (env.VIGIE_CHROMIUM_NO_SANDBOX !== undefined && env.VIGIE_CHROMIUM_NO_SANDBOX !== '') {
    const text = env.VIGIE_CHROMIUM_NO_SANDBOX.toLowerCase();
    const flag = text === '1' || text === 'true' ? true : text === '0' || text === 'false' ? false : env.VIGIE_CHROMIUM_NO_SANDBOX;
    merged.crawl = { ...((merged.crawl as Record<string, unknown> | undefined) ?? {}), chromiumNoSandbox: flag };
  }

  const result = configSchema.safeParse(merged);
  if (!result.success) {
    // The database URL's variable is named only when it was set: the URL is not quoted (it holds a password).
    const fromEnv = env.DATABASE_URL ? new Map([['database', 'DATABASE_URL']]) : new Map<string, string>();
    throw new ConfigError(result.error.issues.map((issue) => describeIssue(issue, fromEnv)), origin);
  }

  const parsed = result.data;
  const base = path !== undefined ? dirname(path) : cwd;
  const config: Config = {
    ...parsed,
    storage: resolve(base, parsed.storage),
    webhooks: parsed.webhooks.map((w) => ({ ...w, id: webhookId(w.url) })),
    origin,
  };
  return deepFreeze(config);
}

/** Fields an environment variable can set: their errors name the variable too. */
const ENV_NAMES = new Map([
  ['redis', 'REDIS_URL'],
  ['server.port', 'PORT'],
  ['server.token', 'VIGIE_TOKEN'],
  ['server.host', 'VIGIE_HOST'],
  ['server.publicUrl', 'VIGIE_PUBLIC_URL'],
  ['crawl.chromiumNoSandbox', 'VIGIE_CHROMIUM_NO_SANDBOX'],
  ['network.allow', 'VIGIE_ALLOW_NETWORKS'],
]);

/** `fromEnv`: fields whose value is known to come from a variable, named as `field (from VARIABLE)`. */
function describeIssue(issue: z.core.$ZodIssue, fromEnv: ReadonlyMap<string, string>): string {
  const path = issue.path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? String(part) : `.${String(part)}`))
    .join('');
  // `network.allow[1]` names VIGIE_ALLOW_NETWORKS too: the list may have come from it.
  const field = path.replace(/\[\d+\]$/, '');
  const where =
    path === ''
      ? '(top level)'
      : fromEnv.has(field)
        ? `${path} (from ${fromEnv.get(field)})`
        : ENV_NAMES.has(field)
          ? `${path} (or ${ENV_NAMES.get(field)})`
          : path;
  if (issue.code === 'unrecognized_keys') return `${where}: unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  // A bad key of a mapping (`hosts`): zod nests the key's own message.
  if (issue.code === 'invalid_key') return `${where}: ${issue.issues[0]?.message ?? issue.message}`;
  return `${where}: ${issue.message}`;
}

/** A stable id per endpoint, so deliveries keep their identity across restarts and config edits elsewhere. */
function webhookId(url: string): string {
  return 'wh_' + createHash('sha256').update(url).digest('hex').slice(0, 12);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
