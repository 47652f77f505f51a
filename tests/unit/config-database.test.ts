import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, redactUrl } from '../../src/config/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'vigie-config-db-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const load = (object: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) => loadConfig({ object, env, cwd: dir });

function problemsOf(object: Record<string, unknown>, env: NodeJS.ProcessEnv = {}): { problems: string[]; message: string } {
  try {
    load(object, env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return { problems: (err as ConfigError).problems, message: (err as ConfigError).message };
  }
  throw new Error('the config loaded, but it should have failed');
}

const EXPECTED = 'expected a Postgres URL like postgres://user:password@host:5432/vigie (postgres:// or postgresql://)';

describe('database in the config', () => {
  it('is null when absent or left empty: the embedded SQLite under storage', () => {
    expect(load({}).database).toBeNull();
    expect(load({ database: null }).database).toBeNull();
    expect(load({ database: '' }).database).toBeNull();
    expect(load({}, { DATABASE_URL: '' }).database).toBeNull();
  });

  it('takes a postgres:// or postgresql:// URL from the file, as written', () => {
    const file = join(dir, 'vigie.config.yaml');
    writeFileSync(file, 'database: postgres://vigie:s3cret@db.internal:5432/vigie\n');
    expect(loadConfig({ file, env: {} }).database).toBe('postgres://vigie:s3cret@db.internal:5432/vigie');
    expect(load({ database: 'postgresql://vigie@10.0.0.5/vigie?sslmode=require' }).database).toBe('postgresql://vigie@10.0.0.5/vigie?sslmode=require');
    // A Unix socket folder as pg's `host` parameter.
    expect(load({ database: 'postgres:///vigie?host=/var/run/postgresql' }).database).toBe('postgres:///vigie?host=/var/run/postgresql');
  });

  it('DATABASE_URL wins over the file', () => {
    const config = load({ database: 'postgres://file-host/vigie' }, { DATABASE_URL: 'postgresql://env-host:6543/other' });
    expect(config.database).toBe('postgresql://env-host:6543/other');
    expect(load({}, { DATABASE_URL: 'postgres://env-host/vigie' }).database).toBe('postgres://env-host/vigie');
  });

  it('a value that is not a Postgres URL names the field, and DATABASE_URL when it came from there', () => {
    expect(problemsOf({ database: 'mysql://u:p@host/vigie' }).problems).toEqual([`database: ${EXPECTED}`]);
    expect(problemsOf({ database: './storage/vigie.db' }).problems).toEqual([`database: ${EXPECTED}`]);
    expect(problemsOf({}, { DATABASE_URL: 'sqlite:///data/vigie.db' }).problems).toEqual([`database (from DATABASE_URL): ${EXPECTED}`]);
    // The file's good value is not blamed for the variable's bad one.
    expect(problemsOf({ database: 'postgres://db/vigie' }, { DATABASE_URL: 'http://db/vigie' }).problems).toEqual([`database (from DATABASE_URL): ${EXPECTED}`]);
    expect(problemsOf({ database: 5432 }).problems).toEqual(['database: expected a Postgres URL like postgres://user:password@host:5432/vigie']);
    expect(problemsOf({ database: 'postgres://' }).problems).toEqual(['database: expected a host, like postgres://user:password@host:5432/vigie']);
  });

  it('never quotes the password of a URL it refuses', () => {
    const { problems, message } = problemsOf({}, { DATABASE_URL: 'postgres://vigie:pa#ss@db/vigie' });
    expect(problems).toEqual([
      'database (from DATABASE_URL): not a valid URL: percent-encode the characters @ : / ? # in the user name and password (e.g. %40 for @)',
    ]);
    expect(message).not.toContain('pa#ss');
    expect(problemsOf({ database: 'mysql://vigie:hunter22@db/vigie' }).message).not.toContain('hunter22');
  });
});

describe('redactUrl', () => {
  it('replaces the password, and only it, with ***', () => {
    expect(redactUrl('postgres://vigie:s3cret@db.internal:5432/vigie')).toBe('postgres://vigie:***@db.internal:5432/vigie');
    expect(redactUrl('postgresql://vigie:p%40ss@db/vigie?sslmode=require')).toBe('postgresql://vigie:***@db/vigie?sslmode=require');
    expect(redactUrl('redis://:r3dis-pass@redis:6379')).toBe('redis://:***@redis:6379');
    expect(redactUrl('postgres://db/vigie?user=vigie&password=s3cret&sslmode=require')).toBe('postgres://db/vigie?user=vigie&password=***&sslmode=require');
  });

  it('leaves a URL without a password as it was', () => {
    expect(redactUrl('postgres://vigie@db:5432/vigie')).toBe('postgres://vigie@db:5432/vigie');
    expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });

  it('hides an unencoded password that breaks the URL, up to the last @', () => {
    expect(redactUrl('postgres://vigie:pa/ss#w@rd@db/vigie')).toBe('postgres://vigie:***@db/vigie');
    expect(redactUrl('postgres://vigie:pa?s@db/vigie')).toBe('postgres://vigie:***@db/vigie');
  });
});
