import { describe, expect, it } from 'vitest';
import { BrowserFetcher, CHROMIUM_ARGS } from '../../src/crawlers/browser-fetcher.ts';
import { chromiumLaunchOptions, chromiumSandbox, ChromiumSandboxError } from '../../src/crawlers/chromium-sandbox.ts';

describe('chromiumSandbox: --no-sandbox only as root and asked for', () => {
  it('as root and asked: no sandbox, said', () => {
    expect(chromiumSandbox({ uid: 0, noSandbox: true })).toEqual({ ok: true, sandbox: false, note: expect.stringContaining('without its sandbox') });
  });

  it('as root, not asked: refused with what to do', () => {
    const d = chromiumSandbox({ uid: 0, noSandbox: false });
    expect(d.ok).toBe(false);
    expect(d.ok === false && d.error).toMatch(/run Vigie as another user.*VIGIE_CHROMIUM_NO_SANDBOX=1/);
  });

  it('as any other user the sandbox stays, asked or not', () => {
    for (const uid of [1000, 65534, null]) {
      expect(chromiumSandbox({ uid, noSandbox: false })).toEqual({ ok: true, sandbox: true, note: null });
      expect(chromiumSandbox({ uid, noSandbox: true })).toMatchObject({ ok: true, sandbox: true, note: expect.stringContaining('ignored') });
    }
  });
});

describe('chromiumLaunchOptions', () => {
  it("always says chromiumSandbox explicitly (Playwright's default is false, which adds --no-sandbox)", () => {
    expect(chromiumLaunchOptions({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS }, { sandbox: true })).toMatchObject({ chromiumSandbox: true, args: CHROMIUM_ARGS });
    expect(chromiumLaunchOptions({ args: CHROMIUM_ARGS }, { sandbox: false }).chromiumSandbox).toBe(false);
  });

  it('the fixed flags never drop the sandbox themselves', () => {
    expect(() => chromiumLaunchOptions({ args: CHROMIUM_ARGS }, { sandbox: true })).not.toThrow();
    for (const flag of ['--no-sandbox', '--disable-setuid-sandbox', '--no-zygote']) {
      expect(() => chromiumLaunchOptions({ args: [...CHROMIUM_ARGS, flag] }, { sandbox: true })).toThrow(/drops Chromium's sandbox/);
    }
  });
});

describe('BrowserFetcher', () => {
  it('as root and not asked: each page fails with a give-up error saying what to do, and Chromium is never launched', async () => {
    const fetcher = new BrowserFetcher({ userAgent: 'Vigie-test', uid: 0 });
    const result = await fetcher.fetch({ url: 'http://127.0.0.1:1/list' });
    expect(result.ok).toBe(false);
    const error = (result as { error: Error }).error;
    expect(error).toBeInstanceOf(ChromiumSandboxError);
    expect(error).toMatchObject({ fate: 'give-up' });
    expect(error.message).toBe(
      'rendering http://127.0.0.1:1/list: Chromium cannot keep its sandbox when Vigie runs as root: run Vigie as another user (the Docker image does), or set crawl.chromiumNoSandbox: true (VIGIE_CHROMIUM_NO_SANDBOX=1) to render pages without it',
    );
    expect((fetcher as unknown as { started: unknown }).started).toBeNull();
    await fetcher.close();
  });
});
