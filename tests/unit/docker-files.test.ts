import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config/index.ts';

// Docker is not run by the tests (no daemon on CI machines): these read the files for what the issue asks of them.
const root = new URL('../../', import.meta.url);
const dockerfile = readFileSync(new URL('Dockerfile', root), 'utf8');
interface Service {
  image?: string;
  build?: string;
  command?: string[];
  container_name?: string;
  depends_on?: Record<string, { condition: string }>;
  environment?: Record<string, string>;
  healthcheck?: { test?: string[]; disable?: boolean };
  volumes?: string[];
  ports?: string[];
  user?: string;
  privileged?: boolean;
  cap_add?: string[];
  security_opt?: string[];
}
const compose = parse(readFileSync(new URL('docker-compose.yml', root), 'utf8')) as { services: Record<string, Service>; volumes: Record<string, unknown> };

/** `${NAME:?message}` replaced by `values[NAME]`, as Compose does when the variable is set; an unset one throws. */
function interpolate(text: string, values: Record<string, string>): string {
  return text.replace(/\$\{(\w+):\?[^}]*\}/g, (_, name: string) => {
    if (values[name] === undefined) throw new Error(`\${${name}} is required`);
    return values[name];
  });
}

/** Instructions of the final stage, continuation lines joined. */
function instructions(text: string): Array<{ op: string; args: string }> {
  const lines = text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const from = lines.map((l) => /^FROM\b/i.test(l)).lastIndexOf(true);
  return lines.slice(from).map((l) => {
    const [op, ...rest] = l.split(/\s+/);
    return { op: op!.toUpperCase(), args: rest.join(' ') };
  });
}

describe('Dockerfile', () => {
  const ops = instructions(dockerfile);

  it('runs as a non-root user: the last USER is neither root nor 0, and nothing runs after it as root', () => {
    const users = ops.filter((i) => i.op === 'USER');
    expect(users.length).toBeGreaterThan(0);
    const user = users.at(-1)!.args.split(':')[0]!;
    expect(['root', '0']).not.toContain(user);
    const after = ops.slice(ops.lastIndexOf(users.at(-1)!));
    expect(after.some((i) => i.op === 'RUN' && /\bsudo\b|\bsu\s+root\b/.test(i.args))).toBe(false);
  });

  it('listens on 0.0.0.0 inside the container (so a token is required) and never drops the Chromium sandbox', () => {
    const env = ops.filter((i) => i.op === 'ENV').map((i) => i.args).join(' ');
    expect(env).toMatch(/\bVIGIE_HOST=0\.0\.0\.0\b/);
    expect(env).not.toMatch(/VIGIE_TOKEN=/);
    expect(dockerfile).not.toMatch(/--no-sandbox|VIGIE_CHROMIUM_NO_SANDBOX|chromiumNoSandbox/);
  });
});

describe('docker-compose.yml', () => {
  const { redis, postgres, vigie, worker } = compose.services;
  const required = (name: string) => new RegExp(`^\\$\\{${name}:\\?.+\\}$`);

  it('runs redis, postgres, one vigie and a worker service, and nothing else', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['postgres', 'redis', 'vigie', 'worker']);
  });

  it('Redis appends every write to its AOF and requires the password from .env', () => {
    const command = redis!.command!.join(' ');
    expect(command).toMatch(/^redis-server .*--appendonly yes/);
    expect(redis!.command!.at(redis!.command!.indexOf('--requirepass') + 1)).toMatch(required('REDIS_PASSWORD'));
    expect(redis!.volumes).toEqual(['redis-data:/data']);
    // The healthcheck's redis-cli authenticates with the same password.
    expect(redis!.environment!.REDISCLI_AUTH).toMatch(required('REDIS_PASSWORD'));
    expect(redis!.healthcheck!.test!.join(' ')).toMatch(/redis-cli ping/);
  });

  it('Postgres 15 keeps its data in a volume, requires POSTGRES_PASSWORD and is checked with pg_isready', () => {
    expect(postgres!.image).toBe('postgres:15-alpine');
    expect(postgres!.volumes).toEqual(['postgres-data:/var/lib/postgresql/data']);
    expect(postgres!.environment!.POSTGRES_PASSWORD).toMatch(required('POSTGRES_PASSWORD'));
    expect(postgres!.healthcheck!.test!.join(' ')).toMatch(/pg_isready -U vigie -d vigie/);
    expect(Object.keys(compose.volumes).sort()).toEqual(['postgres-data', 'redis-data']);
  });

  it('the Dockerfile runs vigie with the service command as its arguments: vigie start, and vigie worker', () => {
    const ops = instructions(dockerfile);
    expect(ops.filter((i) => i.op === 'ENTRYPOINT').at(-1)!.args).toBe('["node", "bin/vigie.js"]');
    expect(vigie!.command).toEqual(['start', '--config', '/app/vigie.config.yaml']);
    expect(worker!.command).toEqual(['worker', '--config', '/app/vigie.config.yaml']);
  });

  it('vigie and the workers reach the postgres and redis services with the .env passwords, once both are healthy', () => {
    const secrets = { POSTGRES_PASSWORD: 'pg-secret-0123', REDIS_PASSWORD: 'redis-secret-0123', VIGIE_TOKEN: 'token-0123456789' };
    for (const service of [vigie!, worker!]) {
      expect(service.depends_on).toEqual({ postgres: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } });
      const env = { DATABASE_URL: interpolate(service.environment!.DATABASE_URL!, secrets), REDIS_URL: interpolate(service.environment!.REDIS_URL!, secrets) };
      expect(env).toEqual({ DATABASE_URL: 'postgres://vigie:pg-secret-0123@postgres:5432/vigie', REDIS_URL: 'redis://:redis-secret-0123@redis:6379' });
      // The URLs as Vigie's config reads them.
      const config = loadConfig({ object: {}, env, cwd: '/tmp' });
      expect([config.database, config.redis]).toEqual([env.DATABASE_URL, env.REDIS_URL]);
    }
    expect(postgres!.environment!.POSTGRES_USER).toBe('vigie');
    expect(postgres!.environment!.POSTGRES_DB).toBe('vigie');
  });

  it('the worker scales: same image and config as vigie, no container name, port, token or server healthcheck', () => {
    expect(worker!.image).toBe(vigie!.image);
    expect(worker!.build).toBe(vigie!.build);
    expect(worker!.volumes).toEqual(vigie!.volumes);
    expect(worker!.volumes).toEqual(['./vigie.config.yaml:/app/vigie.config.yaml:ro']);
    // `--scale worker=3` fails on a fixed container name or a published host port.
    expect(worker!.container_name).toBeUndefined();
    expect(worker!.ports).toBeUndefined();
    expect(worker!.environment!.VIGIE_TOKEN).toBeUndefined();
    // The image's HEALTHCHECK asks /health, which only a server answers.
    expect(worker!.healthcheck).toEqual({ disable: true });
    expect(vigie!.container_name).toBeUndefined();
  });

  it('publishes every port on the host loopback only', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const port of service.ports ?? []) expect(port, `${name}: ${port}`).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
    }
    expect(vigie!.ports).toEqual(['127.0.0.1:3000:3000']);
  });

  it('Vigie listens on 0.0.0.0 in the container and cannot start without VIGIE_TOKEN', () => {
    expect(vigie!.environment!.VIGIE_HOST).toBe('0.0.0.0');
    // Compose's required-variable form: `docker compose up` stops with the message when it is unset.
    expect(vigie!.environment!.VIGIE_TOKEN).toMatch(required('VIGIE_TOKEN'));
  });

  it('keeps the non-root user and the sandbox: no root user, privileged mode, SYS_ADMIN, unconfined seccomp or --no-sandbox', () => {
    for (const service of [vigie!, worker!]) {
      expect(service.user).toBeUndefined();
      expect(service.privileged).toBeUndefined();
      expect(service.cap_add ?? []).not.toContain('SYS_ADMIN');
      expect((service.security_opt ?? []).join(' ')).not.toMatch(/unconfined/);
      expect(service.environment!.VIGIE_CHROMIUM_NO_SANDBOX).toBeUndefined();
    }
  });
});
