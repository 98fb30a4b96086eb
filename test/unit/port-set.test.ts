/**
 * The port-set algebra (shared/semantics/port-set.ts).
 *
 * References: NetworkPolicyPort in the NetworkPolicy API reference,
 * https://kubernetes.io/docs/reference/kubernetes-api/networking-resources/network-policy-v1/
 * (port, endPort, protocol) and "Targeting a range of ports" on
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_PORT, MIN_PORT, PortSet } from '../../shared/semantics/port-set.js';
import type { PortRange } from '../../shared/semantics/port-set.js';
import { protocols } from '../../shared/model/types.js';
import type { Protocol } from '../../shared/model/types.js';
import { prng } from '../support/prng.js';

const tcp = (lo: number, hi?: number) => PortSet.range('TCP', lo, hi);
const udp = (lo: number, hi?: number) => PortSet.range('UDP', lo, hi);
const sctp = (lo: number, hi?: number) => PortSet.range('SCTP', lo, hi);
const ranges = (set: PortSet) => set.toRanges().map((r) => `${r.protocol} ${r.port}-${r.endPort}`);

test('a single port and an inclusive range', () => {
  const one = tcp(80);
  assert.deepEqual(ranges(one), ['TCP 80-80']);
  assert.equal(one.has('TCP', 80), true);
  assert.equal(one.has('TCP', 79), false);
  assert.equal(one.has('TCP', 81), false);
  assert.equal(one.toString(), 'TCP 80');
  assert.equal(one.isEmpty, false);
});

// "endPort indicates that the range of ports from port to endPort if set, inclusive, should be allowed by
// the policy." — the concept page example: "provided that the target port is between the range 32000 and
// 32768".
test('endPort: the range from port to endPort is inclusive at both ends', () => {
  const set = PortSet.fromRanges([{ protocol: 'TCP', port: 32000, endPort: 32768 }]);
  assert.equal(set.has('TCP', 31999), false);
  assert.equal(set.has('TCP', 32000), true);
  assert.equal(set.has('TCP', 32400), true);
  assert.equal(set.has('TCP', 32768), true);
  assert.equal(set.has('TCP', 32769), false);
  assert.equal(set.toString(), 'TCP 32000-32768');
  assert.deepEqual(set.toRanges(), [{ protocol: 'TCP', port: 32000, endPort: 32768 }]);
});

// "The endPort must be equal or greater than port." — endPort == port is the single port; a reversed
// range (which the API server rejects) is empty here rather than wrapping round.
test('endPort equal to port is that single port; a reversed range is empty', () => {
  assert.equal(PortSet.fromRanges([{ protocol: 'UDP', port: 53, endPort: 53 }]).key, udp(53).key);
  assert.equal(tcp(90, 80).isEmpty, true);
  assert.equal(tcp(90, 80).toString(), 'no ports');
});

// NetworkPolicyPort.port: ports are 1..65535 (IANA port numbers; the API server rejects 0 and > 65535).
test('ranges are clamped to 1..65535', () => {
  assert.equal(MIN_PORT, 1);
  assert.equal(MAX_PORT, 65535);
  assert.deepEqual(ranges(tcp(0, 70000)), ['TCP 1-65535']);
  assert.equal(tcp(0, 70000).key, PortSet.allOf('TCP').key);
  assert.equal(tcp(0).isEmpty, true);
  assert.equal(tcp(65536).isEmpty, true);
  assert.equal(tcp(65535).has('TCP', 65535), true);
});

// "protocol represents the protocol (TCP, UDP, or SCTP) which traffic must match." — TCP 53 and UDP 53
// are different things, and every operation works protocol by protocol.
test('protocols are independent in every operation', () => {
  const dns = tcp(53).union(udp(53));
  assert.deepEqual(ranges(dns), ['TCP 53-53', 'UDP 53-53']);
  assert.equal(dns.has('TCP', 53), true);
  assert.equal(dns.has('UDP', 53), true);
  assert.equal(dns.has('SCTP', 53), false);

  assert.equal(tcp(53).intersect(udp(53)).isEmpty, true);
  assert.equal(dns.subtract(tcp(1, 65535)).key, udp(53).key);
  assert.equal(dns.intersect(PortSet.allOf('UDP')).key, udp(53).key);
  assert.equal(PortSet.allOf('TCP').contains(udp(53)), false);
  assert.equal(dns.toString(), 'TCP 53; UDP 53');
  assert.equal(sctp(9000).toString(), 'SCTP 9000');
});

test('union merges overlapping and adjacent ranges, and keeps gaps', () => {
  assert.deepEqual(ranges(tcp(80, 89).union(tcp(90, 99))), ['TCP 80-99'], 'adjacent ranges merge');
  assert.deepEqual(ranges(tcp(80, 95).union(tcp(90, 99))), ['TCP 80-99'], 'overlapping ranges merge');
  assert.deepEqual(ranges(tcp(80).union(tcp(82))), ['TCP 80-80', 'TCP 82-82'], 'a one-port gap stays');
  assert.deepEqual(
    ranges(tcp(82).union(tcp(80)).union(tcp(81))),
    ['TCP 80-82'],
    'filling the gap merges all three',
  );
  assert.deepEqual(ranges(tcp(1, 100).union(tcp(10, 20))), ['TCP 1-100'], 'a contained range disappears');
  assert.equal(tcp(443).union(tcp(80)).toString(), 'TCP 80,443');
});

test('intersect keeps only common ports', () => {
  assert.deepEqual(ranges(tcp(1, 100).intersect(tcp(50, 200))), ['TCP 50-100']);
  assert.deepEqual(ranges(tcp(1, 10).union(tcp(20, 30)).intersect(tcp(5, 25))), ['TCP 5-10', 'TCP 20-25']);
  assert.equal(tcp(1, 10).intersect(tcp(11, 20)).isEmpty, true);
  assert.equal(PortSet.all.intersect(tcp(8080)).key, tcp(8080).key);
  assert.equal(PortSet.none.intersect(PortSet.all).isEmpty, true);
});

test('subtract splits ranges and removes whole ones', () => {
  assert.deepEqual(ranges(tcp(1, 100).subtract(tcp(50))), ['TCP 1-49', 'TCP 51-100'], 'a hole in the middle');
  assert.deepEqual(ranges(tcp(1, 100).subtract(tcp(1))), ['TCP 2-100'], 'the first port');
  assert.deepEqual(ranges(tcp(1, 100).subtract(tcp(100))), ['TCP 1-99'], 'the last port');
  assert.deepEqual(ranges(tcp(1, 100).subtract(tcp(10, 20).union(tcp(30, 40)))), [
    'TCP 1-9',
    'TCP 21-29',
    'TCP 41-100',
  ]);
  assert.equal(tcp(10, 20).subtract(tcp(1, 100)).isEmpty, true);
  assert.equal(tcp(10, 20).subtract(udp(1, 100)).key, tcp(10, 20).key);
  assert.deepEqual(ranges(PortSet.allOf('TCP').subtract(tcp(2, 65534))), ['TCP 1-1', 'TCP 65535-65535']);
});

test('contains is the subset relation', () => {
  assert.equal(tcp(1, 100).contains(tcp(50, 60)), true);
  assert.equal(tcp(1, 100).contains(tcp(50, 101)), false);
  assert.equal(tcp(1, 100).contains(PortSet.none), true);
  assert.equal(PortSet.none.contains(tcp(1)), false);
  assert.equal(PortSet.all.contains(tcp(1).union(udp(2)).union(sctp(3))), true);
  assert.equal(tcp(80).union(tcp(443)).contains(tcp(80, 443)), false);
});

// NetworkPolicyPort.port: "If this field is not provided, this matches all port names and numbers." —
// PortSet.all is every port of every protocol; allOf is every port of one.
test('all, allOf, none and their flags', () => {
  assert.equal(PortSet.all.isAll, true);
  assert.equal(PortSet.all.toString(), 'all ports');
  assert.deepEqual(ranges(PortSet.all), ['TCP 1-65535', 'UDP 1-65535', 'SCTP 1-65535']);
  assert.equal(PortSet.none.isEmpty, true);
  assert.equal(PortSet.none.toString(), 'no ports');
  assert.deepEqual(PortSet.none.toRanges(), []);
  assert.equal(PortSet.allOf('UDP').isAll, false);
  assert.equal(PortSet.allOf('UDP').toString(), 'UDP all');
  assert.equal(PortSet.allOf('TCP').union(PortSet.allOf('UDP')).union(PortSet.allOf('SCTP')).isAll, true);
  assert.equal(PortSet.allOf('TCP').union(udp(53)).toString(), 'TCP all; UDP 53');
});

test('toRanges lists TCP, then UDP, then SCTP, each ascending; fromRanges inverts it', () => {
  const set = sctp(7).union(udp(60, 70)).union(tcp(443)).union(udp(53)).union(tcp(80));
  const expected: PortRange[] = [
    { protocol: 'TCP', port: 80, endPort: 80 },
    { protocol: 'TCP', port: 443, endPort: 443 },
    { protocol: 'UDP', port: 53, endPort: 53 },
    { protocol: 'UDP', port: 60, endPort: 70 },
    { protocol: 'SCTP', port: 7, endPort: 7 },
  ];
  assert.deepEqual(set.toRanges(), expected);
  assert.equal(PortSet.fromRanges(expected).key, set.key);
  assert.equal(set.toString(), 'TCP 80,443; UDP 53,60-70; SCTP 7');
});

test('key and equals are canonical: equal for equal sets however they were built', () => {
  const a = tcp(80, 89).union(tcp(90, 100)).union(udp(53));
  const b = udp(53).union(tcp(80, 100));
  const c = tcp(1, 200)
    .subtract(tcp(1, 79))
    .subtract(tcp(101, 200))
    .union(udp(50, 60).intersect(udp(53)));
  assert.equal(a.key, b.key);
  assert.equal(a.key, c.key);
  assert.equal(a.equals(b), true);
  assert.equal(a.equals(c), true);
  assert.equal(a.key, '80,100|53,53|');
  assert.equal(PortSet.none.key, '||');
  assert.equal(a.equals(tcp(80, 100)), false);
  assert.notEqual(tcp(53).key, udp(53).key);
});

// ---------------------------------------------------------------------------------------------------------
// Property test: random ranges against a naive model (a Set of "protocol:port" strings). Ranges are drawn
// in two windows, the low ports and the top of the range, so that the clamping edges are exercised and
// the naive model stays small.

const windows: ReadonlyArray<readonly [number, number]> = [
  [0, 120],
  [65440, 65536],
];

/** Every port the property test can produce, per protocol (clamping removes 0 and 65536). */
const universe: number[] = [];
for (const [lo, hi] of windows)
  for (let p = Math.max(lo, MIN_PORT); p <= Math.min(hi, MAX_PORT); p++) universe.push(p);

interface Sample {
  readonly set: PortSet;
  readonly model: Set<string>;
}

function randomSample(random: () => number): Sample {
  let set = PortSet.none;
  const model = new Set<string>();
  const count = Math.floor(random() * 5);
  for (let i = 0; i < count; i++) {
    const protocol: Protocol = protocols[Math.floor(random() * protocols.length)]!;
    const [wlo, whi] = windows[Math.floor(random() * windows.length)]!;
    const a = wlo + Math.floor(random() * (whi - wlo + 1));
    const b = random() < 0.3 ? a : wlo + Math.floor(random() * (whi - wlo + 1));
    const lo = Math.min(a, b);
    const hi = Math.max(a, b);
    set = set.union(PortSet.range(protocol, lo, hi));
    for (let p = Math.max(lo, MIN_PORT); p <= Math.min(hi, MAX_PORT); p++) model.add(`${protocol}:${p}`);
  }
  return { set, model };
}

/** The set's exact contents (it must hold nothing outside the universe) as the naive model's strings. */
function contents(set: PortSet): Set<string> {
  const out = new Set<string>();
  for (const r of set.toRanges()) for (let p = r.port; p <= r.endPort; p++) out.add(`${r.protocol}:${p}`);
  return out;
}

function assertCanonical(set: PortSet, label: string): void {
  for (const protocol of protocols) {
    const r = set.of(protocol);
    assert.equal(r.length % 2, 0, label);
    for (let i = 0; i < r.length; i += 2) {
      assert.ok(r[i]! >= MIN_PORT && r[i]! <= r[i + 1]! && r[i + 1]! <= MAX_PORT, `${label}: range bounds`);
      if (i > 0) assert.ok(r[i]! > r[i - 1]! + 1, `${label}: ranges sorted, disjoint and not adjacent`);
    }
  }
  assert.equal(PortSet.fromRanges(set.toRanges()).key, set.key, `${label}: toRanges round-trips`);
}

function assertMatchesModel(set: PortSet, model: Set<string>, label: string): void {
  assertCanonical(set, label);
  assert.deepEqual([...contents(set)].sort(), [...model].sort(), label);
  for (const protocol of protocols) {
    for (const port of universe)
      assert.equal(
        set.has(protocol, port),
        model.has(`${protocol}:${port}`),
        `${label}: ${protocol} ${port}`,
      );
  }
}

test('property: union, intersect, subtract, contains and key agree with a naive Set model', () => {
  const random = prng(0x5eed);
  for (let iteration = 0; iteration < 300; iteration++) {
    const a = randomSample(random);
    const b = randomSample(random);
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
    const same = subset && a.model.size === b.model.size;
    assert.equal(a.set.equals(b.set), same, `${label} A=B`);
    assert.equal(a.set.key === b.set.key, same, `${label} key(A)=key(B)`);
    assert.equal(a.set.isEmpty, a.model.size === 0, `${label} isEmpty`);
  }
});
