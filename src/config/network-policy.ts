import { isIP } from 'node:net';

/**
 * Which addresses Vigie refuses to connect to, as pure data: no DNS, no sockets. Pages that strangers write choose
 * the URLs Vigie fetches (list entries, redirects), so private networks are refused unless the user allows them.
 */

/** One address range. `bits` is 32 for IPv4, 128 for IPv6. */
export interface Cidr {
  readonly text: string;
  readonly bits: 32 | 128;
  readonly base: bigint;
  readonly prefix: number;
}

/** Why an address is refused: the word that goes before "address" in errors ("a private address"). */
export type RefusedKind = 'loopback' | 'private' | 'carrier-grade NAT' | 'link-local' | 'unspecified' | 'unique-local' | 'multicast' | 'reserved';

const REFUSED_V4: Array<[string, RefusedKind]> = [
  ['0.0.0.0/8', 'unspecified'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'carrier-grade NAT'],
  ['127.0.0.0/8', 'loopback'],
  // Includes 169.254.169.254, the metadata service of most clouds.
  ['169.254.0.0/16', 'link-local'],
  ['172.16.0.0/12', 'private'],
  ['192.168.0.0/16', 'private'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved'],
];
const REFUSED_V6: Array<[string, RefusedKind]> = [
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['fc00::/7', 'unique-local'],
  ['fe80::/10', 'link-local'],
  ['fec0::/10', 'link-local'],
  ['ff00::/8', 'multicast'],
];

/** The CIDR `text` (`10.1.0.0/16`, `fd00::/8`, or a bare address for one host), or null when it is not one. */
export function parseCidr(text: string): Cidr | null {
  const slash = text.indexOf('/');
  const address = parseAddress(slash === -1 ? text : text.slice(0, slash));
  if (!address) return null;
  const bits = address.bits;
  let prefix: number = bits;
  if (slash !== -1) {
    const p = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p) || Number(p) > bits) return null;
    prefix = Number(p);
  }
  return { text, bits, base: address.value & mask(bits, prefix), prefix };
}

const REFUSED = [...REFUSED_V4, ...REFUSED_V6].map(([cidr, kind]) => ({ cidr: parseCidr(cidr)!, kind }));

/**
 * The reason `address` (an IP literal, as DNS returns it) is refused, or null when it may be connected to: it is
 * public, or inside one of `allow`. IPv4 inside IPv6 (`::ffff:10.0.0.5`, `::ffff:a00:5`, NAT64 `64:ff9b::/96`, 6to4
 * `2002::/16`) is judged as the IPv4 address it reaches. Anything that is not an IP literal is refused as reserved.
 */
export function isRefused(address: string, allow: readonly Cidr[] = []): RefusedKind | null {
  const parsed = parseAddress(address);
  if (!parsed) return 'reserved';
  const forms = [parsed];
  const v4 = parsed.bits === 128 ? embeddedV4(parsed.value) : null;
  if (v4 !== null) forms.push({ bits: 32, value: v4 });
  if (forms.some((f) => allow.some((c) => contains(c, f.bits, f.value)))) return null;
  for (const f of forms) {
    const hit = REFUSED.find((r) => contains(r.cidr, f.bits, f.value));
    if (hit) return hit.kind;
  }
  return null;
}

/** "a private address", as it reads in an error. */
export function describeKind(kind: RefusedKind): string {
  return `a ${kind} address`;
}

function contains(cidr: Cidr, bits: number, value: bigint): boolean {
  return cidr.bits === bits && (value & mask(bits, cidr.prefix)) === cidr.base;
}

function mask(bits: number, prefix: number): bigint {
  const all = (1n << BigInt(bits)) - 1n;
  return all ^ ((1n << BigInt(bits - prefix)) - 1n);
}

/** The IPv4 address an IPv6 one reaches: mapped, compatible (deprecated), NAT64 or 6to4. */
function embeddedV4(v6: bigint): bigint | null {
  const top96 = v6 >> 32n;
  const low32 = v6 & 0xffffffffn;
  if (top96 === 0xffffn) return low32; // ::ffff:0:0/96, mapped
  if (top96 === 0n && low32 > 1n) return low32; // ::/96, compatible (:: and ::1 are their own kinds)
  if (top96 === 0x64ff9b0000000000000000n) return low32; // 64:ff9b::/96, NAT64
  if (v6 >> 112n === 0x2002n) return (v6 >> 80n) & 0xffffffffn; // 2002::/16, 6to4
  return null;
}

function parseAddress(text: string): { bits: 32 | 128; value: bigint } | null {
  // `[::1]` as URLs write it, and a zone (`fe80::1%eth0`) which names an interface, not an address.
  const bare = text.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  const version = isIP(bare);
  if (version === 4) return { bits: 32, value: v4Value(bare) };
  if (version === 6) return { bits: 128, value: v6Value(bare) };
  return null;
}

function v4Value(text: string): bigint {
  return text.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function v6Value(text: string): bigint {
  let t = text.toLowerCase();
  // A trailing dotted IPv4 (`::ffff:10.0.0.5`) is two groups.
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(t);
  if (dotted) {
    const v = v4Value(dotted[1]!);
    t = `${t.slice(0, dotted.index)}${(v >> 16n).toString(16)}:${(v & 0xffffn).toString(16)}`;
  }
  const [head, tail] = t.split('::') as [string, string | undefined];
  const groups = (s: string | undefined) => (s ? s.split(':') : []);
  const left = groups(head);
  const right = groups(tail);
  const all = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return all.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}
