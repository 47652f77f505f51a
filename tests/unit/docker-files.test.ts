import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// Docker is not run by the tests (no daemon on CI machines): these read the files for what the issue asks of them.
const root = new URL('../../', import.meta.url);
const dockerfile = readFileSync(new URL('Dockerfile', root), 'utf8');
const compose = parse(readFileSync(new URL('docker-compose.yml', root), 'utf8')) as {
  services: Record<string, { environment?: Record<string, string>; ports?: string[]; user?: string; privileged?: boolean; cap_add?: string[]; security_opt?: string[] }>;
};

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
  const vigie = compose.services.vigie!;

  it('publishes every port on the host loopback only', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const port of service.ports ?? []) expect(port, `${name}: ${port}`).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
    }
    expect(vigie.ports).toEqual(['127.0.0.1:3000:3000']);
  });

  it('Vigie listens on 0.0.0.0 in the container and cannot start without VIGIE_TOKEN', () => {
    expect(vigie.environment!.VIGIE_HOST).toBe('0.0.0.0');
    // Compose's required-variable form: `docker compose up` stops with the message when it is unset.
    expect(vigie.environment!.VIGIE_TOKEN).toMatch(/^\$\{VIGIE_TOKEN:\?.+\}$/);
  });

  it('keeps the non-root user and the sandbox: no root user, privileged mode, SYS_ADMIN, unconfined seccomp or --no-sandbox', () => {
    expect(vigie.user).toBeUndefined();
    expect(vigie.privileged).toBeUndefined();
    expect(vigie.cap_add ?? []).not.toContain('SYS_ADMIN');
    expect((vigie.security_opt ?? []).join(' ')).not.toMatch(/unconfined/);
    expect(vigie.environment!.VIGIE_CHROMIUM_NO_SANDBOX).toBeUndefined();
  });
});
