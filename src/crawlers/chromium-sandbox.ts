import type { FatedError } from '../config/fate.ts';

export type SandboxDecision = { ok: true; sandbox: boolean; note: string | null } | { ok: false; error: string };

/**
 * Whether Chromium runs with its sandbox. The pages it renders are written by strangers, so the sandbox stays
 * unless both hold: Vigie runs as root (where Chromium cannot sandbox itself) and the operator asked for
 * `crawl.chromiumNoSandbox`. As root without that, browser sources fail with a clear error instead.
 * `uid` is `process.getuid()`, null where there is none (Windows).
 */
export function chromiumSandbox(options: { noSandbox: boolean; uid: number | null }): SandboxDecision {
  const root = options.uid === 0;
  if (root && options.noSandbox) return { ok: true, sandbox: false, note: 'Chromium runs without its sandbox (as root, crawl.chromiumNoSandbox)' };
  if (root) {
    return {
      ok: false,
      error:
        'Chromium cannot keep its sandbox when Vigie runs as root: run Vigie as another user (the Docker image does), ' +
        'or set crawl.chromiumNoSandbox: true (VIGIE_CHROMIUM_NO_SANDBOX=1) to render pages without it',
    };
  }
  return { ok: true, sandbox: true, note: options.noSandbox ? 'crawl.chromiumNoSandbox is ignored: not running as root, Chromium keeps its sandbox' : null };
}

/**
 * Playwright's launch options for that decision. Playwright passes `--no-sandbox` unless `chromiumSandbox` is true,
 * so the option is always given explicitly, and no flag of ours may drop the sandbox.
 */
export function chromiumLaunchOptions<T extends object>(base: T & { args: readonly string[] }, decision: { sandbox: boolean }) {
  if (base.args.some((a) => /^--no-sandbox\b|^--disable-setuid-sandbox\b|^--no-zygote\b/.test(a))) throw new Error(`a flag drops Chromium's sandbox: ${base.args.join(' ')}`);
  return { ...base, args: [...base.args], chromiumSandbox: decision.sandbox };
}

/** Chromium will not run here as configured (root without crawl.chromiumNoSandbox): the config must change, not the site. */
export class ChromiumSandboxError extends Error implements FatedError {
  readonly fate = 'give-up' as const;

  constructor(
    readonly url: string,
    reason: string,
  ) {
    super(`rendering ${url}: ${reason}`);
    this.name = 'ChromiumSandboxError';
  }
}
