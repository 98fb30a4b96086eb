/**
 * The IP-address set algebra (shared/semantics/ip-set.ts).
 *
 * References: IPBlock in the NetworkPolicy API reference,
 * https://kubernetes.io/docs/reference/kubernetes-api/networking-resources/network-policy-v1/ ("cidr is a
 * string representing the IPBlock. Valid examples are "192.168.1.0/24" or "2001:db8::/64"", "except is a
 * slice of CIDRs that should not be included within an IPBlock"), and the example policy on
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/. The API server parses CIDRs
 * with Go's net.ParseCIDR (netutils.ParseCIDRSloppy: Go 1.16's parser, which also reads leading zeros as
 * decimal).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  IpRangeSet,
  formatAddress,
  formatRange,
  parseAddress,
  parseCidr,
  rangeSize,
} from '../../shared/semantics/ip-set.js';
import type { IpRange } from '../../shared/semantics/ip-set.js';
import { prng } from '../support/prng.js';

function cidr(text: string): IpRange {
  const r = parseCidr(text);
  assert.ok(r, `${text} parses`);
  return r;
}

function block(cidrText: string, except: readonly string[] = []): IpRangeSet {
  const set = IpRangeSet.fromIpBlock(cidrText, except);
  assert.ok(set, `${cidrText} except ${except.join(',')} parses`);
  return set;
}

const v4 = (text: string): bigint => parseAddress(text)!.value;

// "Valid examples are "192.168.1.0/24" or "2001:db8::/64"" (IPBlock.cidr)
test('IPv4 and IPv6 CIDRs from the API reference examples', () => {
  const a = cidr('192.168.1.0/24');
  assert.equal(a.family, 4);
  assert.equal(formatAddress(4, a.first), '192.168.1.0');
  assert.equal(formatAddress(4, a.last), '192.168.1.255');
  assert.equal(rangeSize(a), 256n);
  assert.equal(formatRange(a), '192.168.1.0/24');

  const b = cidr('2001:db8::/64');
  assert.equal(b.family, 6);
  assert.equal(formatAddress(6, b.first), '2001:db8::');
  assert.equal(formatAddress(6, b.last), '2001:db8::ffff:ffff:ffff:ffff');
  assert.equal(rangeSize(b), 1n << 64n);
  assert.equal(formatRange(b), '2001:db8::/64');
});

// The network of a CIDR is the address with its host bits cleared, as Go's net.ParseCIDR returns it
// ("ParseCIDR ... returns the IP address and the network implied by the IP and prefix length").
test('host bits are cleared: 10.0.0.1/8 is the network 10.0.0.0/8', () => {
  assert.equal(formatRange(cidr('10.0.0.1/8')), '10.0.0.0/8');
  assert.equal(formatRange(cidr('172.17.200.9/16')), '172.17.0.0/16');
  assert.equal(formatRange(cidr('2001:db8:1234::1/32')), '2001:db8::/32');
  assert.equal(formatRange(cidr('fd00::ffff/120')), 'fd00::ff00/120');
  assert.deepEqual(cidr('10.0.0.1/8'), cidr('10.0.0.0/8'));
});

test('/0 is a whole family and /32 or /128 a single address', () => {
  assert.deepEqual(cidr('0.0.0.0/0'), { family: 4, first: 0n, last: (1n << 32n) - 1n });
  assert.deepEqual(cidr('::/0'), { family: 6, first: 0n, last: (1n << 128n) - 1n });
  assert.equal(formatRange(cidr('0.0.0.0/0')), '0.0.0.0/0');
  assert.equal(formatRange(cidr('::/0')), '::/0');
  const host = cidr('10.1.2.3/32');
  assert.equal(host.first, host.last);
  assert.equal(formatRange(host), '10.1.2.3/32');
  assert.equal(formatRange(cidr('2001:db8::7/128')), '2001:db8::7/128');
  assert.equal(IpRangeSet.of([cidr('0.0.0.0/0'), cidr('::/0')]).key, IpRangeSet.all.key);
});

// What Go's ParseCIDR rejects is not a CIDR here either: no prefix, a prefix too long, a bad address,
// shorthand or hex IPv4 forms, zones.
test('text that is not a CIDR for the API server does not parse', () => {
  for (const text of [
    '',
    '10.0.0.0',
    '10.0.0.0/33',
    '10.0.0.0/-1',
    '10.0.0.0/8/8',
    '10.0.0.0/ 8',
    ' 10.0.0.0/8',
    '::/129',
    '256.0.0.0/8',
    'not-an-ip/8',
    '10/8',
    '10.1/16',
    '167772160/8',
    '0x0a.0.0.0/8',
    'fe80::1%eth0/64',
  ]) {
    assert.equal(parseCidr(text), undefined, JSON.stringify(text));
  }
});

// The API server's parser (netutils.ParseCIDRSloppy, Go 1.16's net.ParseCIDR) reads an IPv4 octet with
// leading zeros as decimal: 010.0.0.0/8 is 10.0.0.0/8, never the octal 8.0.0.0/8.
test('leading zeros in IPv4 octets are decimal, as in the API server', () => {
  assert.equal(formatRange(cidr('010.000.000.000/8')), '10.0.0.0/8');
  assert.equal(formatRange(cidr('10.0.0.0/08')), '10.0.0.0/8');
  assert.equal(formatAddress(4, v4('010.0.0.1')), '10.0.0.1');
  assert.equal(parseAddress('0x0a.0.0.1'), undefined);
  assert.equal(parseAddress('167772161'), undefined);
  assert.equal(parseAddress('10.1'), undefined);
});

test('parseAddress reads both families and rejects garbage', () => {
  assert.deepEqual(parseAddress('10.0.0.1'), { family: 4, value: 0x0a000001n });
  assert.deepEqual(parseAddress('::1'), { family: 6, value: 1n });
  assert.equal(parseAddress('2001:db8::1')!.family, 6);
  assert.equal(parseAddress(''), undefined);
  assert.equal(parseAddress('10.0.0.1 '), undefined);
  assert.equal(parseAddress('10.0.0.256'), undefined);
  assert.equal(parseAddress('10.0.0.1/32'), undefined);
});

// The concept page's example: "IP addresses in the ranges 172.17.0.0–172.17.0.255 and
// 172.17.2.0–172.17.255.255 (ie, all of 172.17.0.0/16 except 172.17.1.0/24)".
test('except removes sub-ranges: 172.17.0.0/16 except 172.17.1.0/24', () => {
  const set = block('172.17.0.0/16', ['172.17.1.0/24']);
  assert.equal(set.toString(), '172.17.0.0/24, 172.17.2.0-172.17.255.255');
  assert.deepEqual(
    set.ranges.map((r) => `${formatAddress(r.family, r.first)}–${formatAddress(r.family, r.last)}`),
    ['172.17.0.0–172.17.0.255', '172.17.2.0–172.17.255.255'],
  );
  const inside = ['172.17.0.0', '172.17.0.255', '172.17.2.0', '172.17.255.255'];
  const outside = ['172.17.1.0', '172.17.1.128', '172.17.1.255', '172.16.255.255', '172.18.0.0', '::1'];
  for (const a of inside) assert.equal(set.containsAddress(a), true, a);
  for (const a of outside) assert.equal(set.containsAddress(a), false, a);
});

test('several excepts, an except covering everything, and an invalid except', () => {
  assert.equal(
    block('10.0.0.0/24', ['10.0.0.0/26', '10.0.0.192/26']).ranges.length,
    1,
    'the two middle quarters are adjacent',
  );
  assert.equal(block('10.0.0.0/24', ['10.0.0.0/26', '10.0.0.192/26']).toString(), '10.0.0.64-10.0.0.191');
  assert.equal(block('10.0.0.0/24', ['10.0.0.0/24']).isEmpty, true);
  assert.equal(block('10.0.0.0/24', ['10.0.0.0/24']).toString(), 'no addresses');
  assert.equal(IpRangeSet.fromIpBlock('10.0.0.0/24', ['10.0.0.0/33']), undefined);
  assert.equal(IpRangeSet.fromIpBlock('10.0.0.0', []), undefined);
  assert.equal(block('2001:db8::/32', ['2001:db8::/33']).toString(), '2001:db8:8000::/33');
});

test('formatRange prints a CIDR for an aligned power-of-two block and a-b otherwise', () => {
  const r = (first: string, last: string): IpRange => ({ family: 4, first: v4(first), last: v4(last) });
  assert.equal(formatRange(r('10.0.0.4', '10.0.0.7')), '10.0.0.4/30');
  assert.equal(formatRange(r('10.0.0.2', '10.0.0.5')), '10.0.0.2-10.0.0.5', 'size 4 but not aligned');
  assert.equal(formatRange(r('10.0.0.0', '10.0.0.2')), '10.0.0.0-10.0.0.2', 'not a power of two');
  assert.equal(formatRange(r('10.0.0.9', '10.0.0.9')), '10.0.0.9/32');
  assert.equal(formatRange({ family: 6, first: 0n, last: 1n }), '::/127');
  assert.equal(formatRange({ family: 6, first: 1n, last: 2n }), '::1-::2');
});

test('union merges overlapping and adjacent ranges, family by family', () => {
  assert.equal(block('10.0.0.0/25').union(block('10.0.0.128/25')).toString(), '10.0.0.0/24');
  assert.equal(block('10.0.0.0/25').union(block('10.0.1.0/25')).toString(), '10.0.0.0/25, 10.0.1.0/25');
  assert.equal(IpRangeSet.allV4.union(IpRangeSet.allV6).key, IpRangeSet.all.key);
  assert.equal(IpRangeSet.all.toString(), '0.0.0.0/0, ::/0');
  // IPv4 0.0.0.0/0 and IPv6 ::/0 start at the same number but are never merged.
  assert.equal(block('0.0.0.0/0').union(block('::/96')).ranges.length, 2);
});

test('intersect and subtract never mix families', () => {
  assert.equal(IpRangeSet.allV4.intersect(IpRangeSet.allV6).isEmpty, true);
  assert.equal(IpRangeSet.allV4.intersect(block('::/0')).isEmpty, true);
  assert.equal(block('10.0.0.0/8').intersect(block('10.1.0.0/16')).toString(), '10.1.0.0/16');
  assert.equal(
    block('10.0.0.0/16')
      .intersect(block('10.0.128.0/17').union(block('fd00::/8')))
      .toString(),
    '10.0.128.0/17',
  );
  assert.equal(IpRangeSet.all.subtract(IpRangeSet.allV4).key, IpRangeSet.allV6.key);
  assert.equal(block('10.0.0.0/8').subtract(block('::/0')).toString(), '10.0.0.0/8');
});

test('containsAddress checks family and range; contains is the subset relation', () => {
  const set = block('10.0.0.0/8').union(block('2001:db8::/32'));
  assert.equal(set.containsAddress('10.255.255.255'), true);
  assert.equal(set.containsAddress('11.0.0.0'), false);
  assert.equal(set.containsAddress('2001:db8:ffff::1'), true);
  assert.equal(set.containsAddress('2001:db9::'), false);
  assert.equal(set.containsAddress('not an address'), false);
  assert.equal(IpRangeSet.allV6.containsAddress('10.0.0.1'), false);
  assert.equal(set.contains(block('10.1.0.0/16')), true);
  assert.equal(set.contains(block('10.0.0.0/7')), false);
  assert.equal(set.contains(IpRangeSet.empty), true);
  assert.equal(IpRangeSet.empty.contains(block('10.0.0.0/32')), false);
});

test('key is canonical: equal for equal sets however they were built', () => {
  const a = block('10.0.0.0/24', ['10.0.0.128/25']);
  const b = block('10.0.0.0/26').union(block('10.0.0.64/26'));
  const c = IpRangeSet.of([cidr('10.0.0.64/26'), cidr('10.0.0.0/26'), cidr('10.0.0.32/27')]);
  assert.equal(a.key, b.key);
  assert.equal(a.key, c.key);
  assert.equal(a.key, '4:a000000-a00007f');
  assert.notEqual(a.key, block('10.0.0.0/24').key);
});

// ---------------------------------------------------------------------------------------------------------
// Property test on a small address space (192.168.1.0/24): ipBlocks with random excepts and random ranges,
// against a naive Set<number> of host offsets.

const base = v4('192.168.1.0');
const addr = (offset: number) => `192.168.1.${offset}`;

interface Sample {
  readonly set: IpRangeSet;
  readonly model: Set<number>;
}

function randomCidr(random: () => number): { text: string; offsets: number[] } {
  const bits = 24 + Math.floor(random() * 9); // /24 .. /32
  const size = 2 ** (32 - bits);
  const start = Math.floor(random() * 256);
  const network = start - (start % size);
  const offsets = Array.from({ length: size }, (_, i) => network + i);
  // Write the CIDR with host bits set half of the time: they must be cleared.
  return { text: `${addr(random() < 0.5 ? start : network)}/${bits}`, offsets };
}

function randomBlock(random: () => number): Sample {
  const outer = randomCidr(random);
  const excepts = Array.from({ length: Math.floor(random() * 3) }, () => randomCidr(random));
  const set = block(
    outer.text,
    excepts.map((e) => e.text),
  );
  const model = new Set(outer.offsets);
  for (const e of excepts) for (const o of e.offsets) model.delete(o);
  return { set, model };
}

function randomRanges(random: () => number): Sample {
  const ranges: IpRange[] = [];
  const model = new Set<number>();
  for (let i = Math.floor(random() * 4); i > 0; i--) {
    const a = Math.floor(random() * 256);
    const b = Math.floor(random() * 256);
    const lo = Math.min(a, b);
    const hi = Math.max(a, b);
    ranges.push({ family: 4, first: base + BigInt(lo), last: base + BigInt(hi) });
    for (let o = lo; o <= hi; o++) model.add(o);
  }
  return { set: IpRangeSet.of(ranges), model };
}

function assertMatchesModel(set: IpRangeSet, model: Set<number>, label: string): void {
  const seen = new Set<number>();
  let previous: IpRange | undefined;
  for (const r of set.ranges) {
    assert.equal(r.family, 4, label);
    assert.ok(r.first <= r.last, `${label}: range bounds`);
    if (previous)
      assert.ok(r.first > previous.last + 1n, `${label}: ranges sorted, disjoint and not adjacent`);
    previous = r;
    for (let a = r.first; a <= r.last; a++) seen.add(Number(a - base));
  }
  assert.deepEqual(
    [...seen].sort((x, y) => x - y),
    [...model].sort((x, y) => x - y),
    label,
  );
  for (let o = 0; o < 256; o++)
    assert.equal(set.containsAddress(addr(o)), model.has(o), `${label}: ${addr(o)}`);
  // Printing and re-parsing each range gives the same range back.
  for (const r of set.ranges) {
    const text = formatRange(r);
    if (text.includes('/')) assert.deepEqual(parseCidr(text), r, `${label}: ${text}`);
    else assert.equal(text, `${formatAddress(4, r.first)}-${formatAddress(4, r.last)}`, label);
  }
}

test('property: ipBlocks with except, union, intersect, subtract and contains agree with a naive model', () => {
  const random = prng(0xc1d2);
  for (let iteration = 0; iteration < 300; iteration++) {
    const a = random() < 0.5 ? randomBlock(random) : randomRanges(random);
    const b = random() < 0.5 ? randomBlock(random) : randomRanges(random);
    const label = `iteration ${iteration}: A=${a.set.toString()} B=${b.set.toString()}`;
    assertMatchesModel(a.set, a.model, `${label} (A)`);
    assertMatchesModel(a.set.union(b.set), new Set([...a.model, ...b.model]), `${label} A∪B`);
    assertMatchesModel(
      a.set.intersect(b.set),
      new Set([...a.model].filter((x) => b.model.has(x))),
      `${label} A∩B`,
    );
    assertMatchesModel(
      a.set.subtract(b.set),
      new Set([...a.model].filter((x) => !b.model.has(x))),
      `${label} A−B`,
    );
    const subset = [...b.model].every((x) => a.model.has(x));
    assert.equal(a.set.contains(b.set), subset, `${label} A⊇B`);
    assert.equal(a.set.key === b.set.key, subset && a.model.size === b.model.size, `${label} key(A)=key(B)`);
  }
});
