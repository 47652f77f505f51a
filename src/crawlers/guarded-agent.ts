import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { Agent, buildConnector } from 'undici';
import { isRefused, parseCidr, type Cidr } from '../config/network-policy.ts';
import { RefusedAddressError } from './refused-address-error.ts';

/** Every address a host name resolves to, in the resolver's order. */
export type LookupAll = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

export interface GuardOptions {
  /** CIDRs allowed although private (`network.allow`). */
  allow: readonly string[];
  /** The resolver. Default: the system's (`dns.lookup`, all addresses). Tests inject one. */
  lookup?: LookupAll;
  /** Opens the socket once the address is judged. Default: undici's own connector. Tests inject one. */
  connect?: buildConnector.connector;
}

const systemLookup: LookupAll = (hostname) => dnsLookup(hostname, { all: true });

/**
 * The address to connect to for `host`: the first one the resolver gives that the policy accepts, so a name with
 * public and private addresses connects to a public one. Throws a RefusedAddressError when there is none.
 */
export async function allowedAddress(host: string, allow: readonly Cidr[], lookup: LookupAll = systemLookup): Promise<string> {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  const addresses = isIP(bare) ? [{ address: bare, family: isIP(bare) }] : await lookup(bare);
  const usable = addresses.find((a) => isRefused(a.address, allow) === null);
  if (usable) return usable.address;
  const first = addresses[0];
  if (!first) throw new Error(`${bare} resolves to no address`);
  throw new RefusedAddressError(bare, first.address, isRefused(first.address, allow)!);
}

/** CIDR texts, already validated by the config, as ranges. */
export function cidrsOf(allow: readonly string[]): Cidr[] {
  return allow.map((c) => parseCidr(c)).filter((c): c is Cidr => c !== null);
}

/**
 * An undici connector that resolves the host itself, judges the address, and only then connects, to that very
 * address. Checking the URL's host name before the request would let DNS rebinding through (a name that resolves
 * to a public address for the check and to 10.0.0.5 for the connection); here the address judged is the one used.
 * Every new connection passes here, so every redirect hop and every host a page leads to is judged too.
 */
export function guardedConnector(options: GuardOptions): buildConnector.connector {
  const allow = cidrsOf(options.allow);
  const connect = options.connect ?? buildConnector({});
  return (opts, callback) => {
    allowedAddress(opts.hostname, allow, options.lookup)
      // `host` (name:port) stays as it was, so TLS still sends and checks the name, not the address.
      .then((address) => connect({ ...opts, hostname: address }, callback))
      .catch((err: Error) => callback(err, null));
  };
}

const AGENT_OPTIONS = { keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000, connections: 64 } as const;
const agents = new Map<string, Agent>();

/**
 * A keep-alive agent that connects only where the policy allows, one per allow-list for the whole process, so
 * crawls, robots.txt and webhooks under one config share their connections. Connections carry no Crawlee state
 * (no cookies, no session), so sharing them across jobs leaks nothing; it saves a TCP handshake per job on a host.
 */
export function guardedAgent(allow: readonly string[], lookup?: LookupAll): Agent {
  const key = allow.join(',');
  // An injected resolver (tests) gets agents of its own, so it never serves the system resolver's callers.
  const pool = lookup ? (agentsByLookup.get(lookup) ?? agentsByLookup.set(lookup, new Map()).get(lookup)!) : agents;
  let agent = pool.get(key);
  if (!agent) pool.set(key, (agent = new Agent({ ...AGENT_OPTIONS, connect: guardedConnector({ allow, lookup }) })));
  return agent;
}

const agentsByLookup = new WeakMap<LookupAll, Map<string, Agent>>();
