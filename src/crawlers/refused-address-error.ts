import { describeKind, type RefusedKind } from '../config/network-policy.ts';
import type { FatedError } from '../config/fate.ts';

/**
 * A request would have connected to an address the network policy refuses (loopback, private, link-local...).
 * Raised before any socket opens. Retrying cannot help: only `network.allow` can.
 */
export class RefusedAddressError extends Error implements FatedError {
  readonly fate = 'give-up' as const;

  /**
   * @param host the host name asked for (`intranet.local`), or the address itself.
   * @param address the address it resolves to, which is refused.
   * @param subject what was being fetched, for the message: a URL, or by default the host.
   */
  constructor(
    readonly host: string,
    readonly address: string,
    readonly kind: RefusedKind,
    readonly subject: string = host,
  ) {
    super(`${subject} resolves to ${address}, ${describeKind(kind)}; allow it with network.allow`);
    this.name = 'RefusedAddressError';
  }

  /**
   * The same refusal told from the URL that was fetched: `http://intranet.local/ resolves to 10.0.0.5, ...`, or,
   * when a redirect led elsewhere, `http://a.example/ redirects to intranet.local, which resolves to ...`.
   */
  forUrl(url: string): RefusedAddressError {
    const host = safeHostname(url);
    const subject = host === bare(this.host) ? url : `${url} redirects to ${this.host}, which`;
    return new RefusedAddressError(this.host, this.address, this.kind, subject);
  }

  /** The same refusal, prefixed with where it comes from: `sources[2] (es): ...`. */
  withPrefix(prefix: string): RefusedAddressError {
    return new RefusedAddressError(this.host, this.address, this.kind, `${prefix}: ${this.subject}`);
  }
}

/** The refusal in `err` or its causes, if any: libraries on the way (Crawlee, undici) may wrap it. */
export function refusalIn(err: unknown): RefusedAddressError | null {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof RefusedAddressError) return e;
  }
  return null;
}

function safeHostname(url: string): string | null {
  try {
    return bare(new URL(url).hostname);
  } catch {
    return null;
  }
}

const bare = (host: string): string => host.replace(/^\[(.*)\]$/, '$1').toLowerCase();