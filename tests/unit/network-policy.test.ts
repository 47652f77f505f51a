import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.ts';
import { isRefused, parseCidr, type Cidr } from '../../src/config/network-policy.ts';

const cidrs = (...list: string[]): Cidr[] => list.map((c) => parseCidr(c)!);

describe('isRefused: refused by default', () => {
  const cases: Array<[string, string]> = [
    ['169.254.169.254', 'link-local'],
    ['169.254.0.1', 'link-local'],
    ['10.0.0.5', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.254', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.127.255.254', 'carrier-grade NAT'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['127.0.0.1', 'loopback'],
    ['127.0.0.2', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456:789a::1', 'unique-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf::1', 'link-local'],
    ['ff02::1', 'multicast'],
    // IPv4-mapped IPv6, dotted and hex: judged as the IPv4 address they reach.
    ['::ffff:10.0.0.5', 'private'],
    ['::ffff:a00:5', 'private'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::FFFF:7F00:0001', 'loopback'],
    ['0:0:0:0:0:ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['::ffff:100.64.0.1', 'carrier-grade NAT'],
    ['::ffff:0.0.0.0', 'unspecified'],
    // IPv4-compatible (deprecated), NAT64 and 6to4 forms reach IPv4 too.
    ['::10.0.0.5', 'private'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['2002:7f00:1::', 'loopback'],
    ['2002:c0a8:101::1', 'private'],
    // Not an IP literal: nothing to judge, so refused.
    ['intranet.local', 'reserved'],
    ['', 'reserved'],
  ];
  it.each(cases)('%s is refused as %s', (address, kind) => {
    expect(isRefused(address)).toBe(kind);
  });
});

describe('isRefused: public addresses pass', () => {
  it.each(['93.184.215.14', '8.8.8.8', '172.15.255.255', '172.32.0.1', '100.63.255.255', '100.128.0.1', '169.253.255.255', '11.0.0.1', '192.169.0.1', '2606:4700::1111', '::ffff:8.8.8.8', '::ffff:808:808', '64:ff9b::808:808', '2002:808:808::1', 'fbff::1', '2001:db8::1'])(
    '%s is allowed',
    (address) => {
      expect(isRefused(address)).toBeNull();
    },
  );
});

describe('isRefused: allowed CIDRs', () => {
  it('allows an IPv4 range, and only that range', () => {
    const allow = cidrs('10.1.0.0/16');
    expect(isRefused('10.1.2.3', allow)).toBeNull();
    expect(isRefused('10.1.255.255', allow)).toBeNull();
    expect(isRefused('10.2.0.1', allow)).toBe('private');
    expect(isRefused('10.0.255.255', allow)).toBe('private');
  });

  it('allows one host with /32, not its neighbours', () => {
    const allow = cidrs('127.0.0.1/32');
    expect(isRefused('127.0.0.1', allow)).toBeNull();
    expect(isRefused('127.0.0.2', allow)).toBe('loopback');
    expect(isRefused('::1', allow)).toBe('loopback');
  });

  it('allows the IPv4-mapped forms of an allowed IPv4 range', () => {
    const allow = cidrs('10.0.0.0/8');
    expect(isRefused('::ffff:10.0.0.5', allow)).toBeNull();
    expect(isRefused('::ffff:a00:5', allow)).toBeNull();
    expect(isRefused('::ffff:7f00:1', allow)).toBe('loopback');
  });

  it('allows IPv6 ranges', () => {
    expect(isRefused('::1', cidrs('::1/128'))).toBeNull();
    const allow = cidrs('fd00:1::/64');
    expect(isRefused('fd00:1::5', allow)).toBeNull();
    expect(isRefused('fd00:1:0:0:ffff::1', allow)).toBeNull();
    expect(isRefused('fd00:2::5', allow)).toBe('unique-local');
    expect(isRefused('10.0.0.5', allow)).toBe('private');
  });

  it('takes a bare address as one host, and 0.0.0.0/0 as everything', () => {
    expect(isRefused('192.168.1.7', cidrs('192.168.1.7'))).toBeNull();
    expect(isRefused('192.168.1.8', cidrs('192.168.1.7'))).toBe('private');
    expect(isRefused('169.254.169.254', cidrs('0.0.0.0/0'))).toBeNull();
    expect(isRefused('::1', cidrs('0.0.0.0/0'))).toBe('loopback');
  });
});

describe('parseCidr', () => {
  it('reads v4 and v6 ranges, masking host bits', () => {
    expect(parseCidr('10.1.2.3/16')).toMatchObject({ bits: 32, prefix: 16, base: 0x0a010000n });
    expect(parseCidr('fd00::/8')).toMatchObject({ bits: 128, prefix: 8 });
    expect(parseCidr('::1')).toMatchObject({ bits: 128, prefix: 128, base: 1n });
  });

  it.each(['10.0.0.0/33', '::/129', '10.0.0/8', '10.0.0.0/', '10.0.0.0/-1', 'intranet/8', '256.0.0.0/8', '10.0.0.0/8/8', 'fd00::/x', ''])('refuses %j', (text) => {
    expect(parseCidr(text)).toBeNull();
  });
});

describe('config network.allow', () => {
  const load = (object: unknown, env: NodeJS.ProcessEnv = {}) => loadConfig({ object, env, cwd: '/tmp' });
  const problems = (object: unknown, env: NodeJS.ProcessEnv = {}): string[] => {
    try {
      load(object, env);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as ConfigError).problems;
    }
    throw new Error('the config loaded, but it should have failed');
  };

  it('defaults to nothing allowed', () => {
    expect(load({}).network).toEqual({ allow: [] });
  });

  it('keeps the allowed CIDRs of the file', () => {
    expect(load({ network: { allow: ['10.1.0.0/16', 'fd00::/8'] } }).network.allow).toEqual(['10.1.0.0/16', 'fd00::/8']);
  });

  it('names the field of a bad CIDR', () => {
    expect(problems({ network: { allow: ['10.1.0.0/16', '10.1.0.0/40'] } })).toEqual([
      'network.allow[1] (or VIGIE_ALLOW_NETWORKS): expected a CIDR like "10.1.0.0/16" or "fd00::/8", got "10.1.0.0/40"',
    ]);
    expect(problems({ network: { allow: 'x' } })[0]).toMatch(/^network\.allow \(or VIGIE_ALLOW_NETWORKS\): expected a list of CIDRs/);
    expect(problems({ network: { deny: [] } })[0]).toBe('network: unknown field(s) "deny"');
  });

  it('lets VIGIE_ALLOW_NETWORKS replace the file list', () => {
    const object = { network: { allow: ['10.1.0.0/16'] } };
    expect(load(object, { VIGIE_ALLOW_NETWORKS: '192.168.5.0/24, ::1/128' }).network.allow).toEqual(['192.168.5.0/24', '::1/128']);
    expect(load(object, { VIGIE_ALLOW_NETWORKS: '' }).network.allow).toEqual([]);
    expect(problems(object, { VIGIE_ALLOW_NETWORKS: '192.168.5.0/24,intranet' })).toEqual([
      'network.allow[1] (or VIGIE_ALLOW_NETWORKS): expected a CIDR like "10.1.0.0/16" or "fd00::/8", got "intranet"',
    ]);
  });
});
