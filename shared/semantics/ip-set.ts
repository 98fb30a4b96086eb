/**
 * The IP-address set algebra: sets of IPv4 and IPv6 addresses as sorted, disjoint, inclusive bigint
 * ranges. Address and CIDR parsing is delegated to ipaddr.js; the set operations live here.
 *
 * ipBlock semantics (https://kubernetes.io/docs/reference/kubernetes-api/networking-resources/network-policy-v1/#NetworkPolicySpec,
 * IPBlock): `cidr` is a range, `except` removes sub-ranges of it. The network address is `cidr` with
 * host bits cleared (`10.0.0.1/8` means 10.0.0.0/8, as Go's net.ParseCIDR reads it).
 */
import ipaddr from 'ipaddr.js';

export type IpFamily = 4 | 6;

export interface IpRange {
  readonly family: IpFamily;
  readonly first: bigint;
  readonly last: bigint;
}

const V4_MAX = (1n << 32n) - 1n;
const V6_MAX = (1n << 128n) - 1n;

function bytesToBigint(bytes: number[]): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}

/**
 * Address text as the API server reads it, normalised for ipaddr.js; undefined when the API server would
 * not read it as an address. The API server parses ipBlock CIDRs with netutils.ParseCIDRSloppy (Go 1.16's
 * net.ParseCIDR): an IPv4 address is exactly four decimal octets, leading zeros allowed and read as
 * decimal (`010` is 10), and IPv6 addresses carry no zone. ipaddr.js alone would also accept `10.1`,
 * `167772161` and `0x0a.0.0.1`, and read `010` as octal 8.
 */
function apiAddressText(text: string): string | undefined {
  if (text.includes(':')) {
    if (text.includes('%')) return undefined;
    const colon = text.lastIndexOf(':');
    const tail = text.slice(colon + 1);
    if (!tail.includes('.')) return text;
    const v4 = apiIpv4Text(tail);
    return v4 === undefined ? undefined : text.slice(0, colon + 1) + v4;
  }
  return apiIpv4Text(text);
}

function apiIpv4Text(text: string): string | undefined {
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(text)) return undefined;
  const octets = text.split('.').map(Number);
  return octets.every((o) => o <= 255) ? octets.join('.') : undefined;
}

/** Parses an address; undefined when invalid. IPv4-mapped IPv6 addresses stay IPv6. */
export function parseAddress(text: string): { family: IpFamily; value: bigint } | undefined {
  // Pod IPs are parsed by the ten thousand: the common spellings skip the general path.
  const quick = typeof text === 'string' ? (quickIpv4(text) ?? quickIpv6(text)) : undefined;
  if (quick) return quick;
  const normal = typeof text === 'string' ? apiAddressText(text) : undefined;
  if (normal === undefined || !ipaddr.isValid(normal)) return undefined;
  const addr = ipaddr.parse(normal);
  return { family: addr.kind() === 'ipv4' ? 4 : 6, value: bytesToBigint(addr.toByteArray()) };
}

const DOTTED_QUAD = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/;

/** `a.b.c.d` with decimal octets up to 255, read as {@link apiAddressText} and ipaddr.js read it. */
function quickIpv4(text: string): { family: IpFamily; value: bigint } | undefined {
  const m = DOTTED_QUAD.exec(text);
  if (!m) return undefined;
  const a = Number(m[1]);
  const b = Number(m[2]);
  const c = Number(m[3]);
  const d = Number(m[4]);
  if (a > 255 || b > 255 || c > 255 || d > 255) return undefined;
  return { family: 4, value: BigInt(a * 0x1000000 + b * 0x10000 + c * 0x100 + d) };
}

const HEX_GROUPS = /^[0-9a-fA-F:]+$/;

/**
 * IPv6 in plain hex groups (`fd00:10::1a`, full or with one `::`), which ipaddr.js reads the same way;
 * anything else (embedded IPv4, zones, odd forms) is left to the general path.
 */
function quickIpv6(text: string): { family: IpFamily; value: bigint } | undefined {
  if (text.length < 2 || text.length > 39 || !HEX_GROUPS.test(text)) return undefined;
  const gap = text.indexOf('::');
  if (gap >= 0 && text.indexOf('::', gap + 1) >= 0) return undefined;
  const head = gap < 0 ? text : text.slice(0, gap);
  const tail = gap < 0 ? '' : text.slice(gap + 2);
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === '' ? [] : tail.split(':');
  const count = headGroups.length + tailGroups.length;
  if (gap < 0 ? count !== 8 : count > 7) return undefined;
  let value = 0n;
  const shift = (groups: string[]) => {
    for (const group of groups) {
      if (group.length < 1 || group.length > 4) return false;
      value = (value << 16n) | BigInt(parseInt(group, 16));
    }
    return true;
  };
  if (!shift(headGroups)) return undefined;
  value <<= BigInt(16 * (8 - count));
  if (!shift(tailGroups)) return undefined;
  return { family: 6, value };
}

/** Parses a CIDR into its address range; undefined when the text is not a CIDR. */
export function parseCidr(text: string): IpRange | undefined {
  if (typeof text !== 'string') return undefined;
  // Policies repeat the same few CIDRs (`0.0.0.0/0`, `10.0.0.0/8`) thousands of times; ranges are immutable.
  let range = cidrCache.get(text);
  if (range === undefined && !cidrCache.has(text)) {
    if (cidrCache.size >= 10_000) cidrCache.clear();
    range = parseCidrUncached(text);
    cidrCache.set(text, range);
  }
  return range;
}

const cidrCache = new Map<string, IpRange | undefined>();

function parseCidrUncached(text: string): IpRange | undefined {
  if (!text.includes('/')) return undefined;
  // Go splits at the first '/'; the prefix length is decimal digits only (leading zeros allowed).
  const slash = text.indexOf('/');
  const address = apiAddressText(text.slice(0, slash));
  const prefix = text.slice(slash + 1);
  if (address === undefined || !/^\d+$/.test(prefix)) return undefined;
  let parsed: [ipaddr.IPv4 | ipaddr.IPv6, number];
  try {
    parsed = ipaddr.parseCIDR(`${address}/${Number(prefix)}`);
  } catch {
    return undefined;
  }
  const [addr, bits] = parsed;
  const family: IpFamily = addr.kind() === 'ipv4' ? 4 : 6;
  const width = family === 4 ? 32n : 128n;
  const value = bytesToBigint(addr.toByteArray());
  const hostBits = width - BigInt(bits);
  const first = (value >> hostBits) << hostBits;
  const last = first | ((1n << hostBits) - 1n);
  return { family, first, last };
}

export function formatAddress(family: IpFamily, value: bigint): string {
  if (family === 4) {
    return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 255n)).join('.');
  }
  const parts: number[] = [];
  for (let s = 112n; s >= 0n; s -= 16n) parts.push(Number((value >> s) & 0xffffn));
  return ipaddr.fromByteArray(parts.flatMap((p) => [p >> 8, p & 255])).toString();
}

/** `10.0.0.0/8` when the range is a single CIDR block, else `10.0.0.5-10.0.0.9`. */
export function formatRange(range: IpRange): string {
  const width = range.family === 4 ? 32 : 128;
  const size = range.last - range.first + 1n;
  if ((size & (size - 1n)) === 0n && range.first % size === 0n) {
    const bits = width - (size.toString(2).length - 1);
    return `${formatAddress(range.family, range.first)}/${bits}`;
  }
  return `${formatAddress(range.family, range.first)}-${formatAddress(range.family, range.last)}`;
}

/** The number of addresses in a range. */
export function rangeSize(range: IpRange): bigint {
  return range.last - range.first + 1n;
}

export class IpRangeSet {
  private constructor(readonly ranges: readonly IpRange[]) {}

  static readonly empty = new IpRangeSet([]);
  static readonly allV4 = new IpRangeSet([{ family: 4, first: 0n, last: V4_MAX }]);
  static readonly allV6 = new IpRangeSet([{ family: 6, first: 0n, last: V6_MAX }]);
  static readonly all = new IpRangeSet([
    { family: 4, first: 0n, last: V4_MAX },
    { family: 6, first: 0n, last: V6_MAX },
  ]);

  static of(ranges: Iterable<IpRange>): IpRangeSet {
    const sorted = [...ranges].sort((a, b) =>
      a.family !== b.family ? a.family - b.family : a.first < b.first ? -1 : a.first > b.first ? 1 : 0,
    );
    const out: IpRange[] = [];
    for (const r of sorted) {
      const prev = out[out.length - 1];
      if (prev && prev.family === r.family && r.first <= prev.last + 1n) {
        if (r.last > prev.last) out[out.length - 1] = { family: r.family, first: prev.first, last: r.last };
      } else out.push(r);
    }
    return new IpRangeSet(out);
  }

  /** `cidr` minus `except`; undefined when any of them does not parse. */
  static fromIpBlock(cidr: string, except: readonly string[]): IpRangeSet | undefined {
    const base = parseCidr(cidr);
    if (!base) return undefined;
    const holes: IpRange[] = [];
    for (const e of except) {
      const r = parseCidr(e);
      if (!r) return undefined;
      holes.push(r);
    }
    return IpRangeSet.of([base]).subtract(IpRangeSet.of(holes));
  }

  get isEmpty(): boolean {
    return this.ranges.length === 0;
  }

  union(other: IpRangeSet): IpRangeSet {
    if (other.isEmpty) return this;
    if (this.isEmpty) return other;
    return IpRangeSet.of([...this.ranges, ...other.ranges]);
  }

  subtract(other: IpRangeSet): IpRangeSet {
    if (this.isEmpty || other.isEmpty) return this;
    const out: IpRange[] = [];
    for (const r of this.ranges) {
      let pieces: IpRange[] = [r];
      for (const h of other.ranges) {
        if (h.family !== r.family) continue;
        const next: IpRange[] = [];
        for (const p of pieces) {
          if (h.last < p.first || h.first > p.last) {
            next.push(p);
            continue;
          }
          if (h.first > p.first) next.push({ family: p.family, first: p.first, last: h.first - 1n });
          if (h.last < p.last) next.push({ family: p.family, first: h.last + 1n, last: p.last });
        }
        pieces = next;
      }
      out.push(...pieces);
    }
    return IpRangeSet.of(out);
  }

  intersect(other: IpRangeSet): IpRangeSet {
    const out: IpRange[] = [];
    for (const a of this.ranges) {
      for (const b of other.ranges) {
        if (a.family !== b.family) continue;
        const first = a.first > b.first ? a.first : b.first;
        const last = a.last < b.last ? a.last : b.last;
        if (first <= last) out.push({ family: a.family, first, last });
      }
    }
    return IpRangeSet.of(out);
  }

  containsAddress(address: string): boolean {
    const parsed = parseAddress(address);
    if (!parsed) return false;
    return this.ranges.some(
      (r) => r.family === parsed.family && parsed.value >= r.first && parsed.value <= r.last,
    );
  }

  /** True when every address of `other` is in this set. */
  contains(other: IpRangeSet): boolean {
    return other.subtract(this).isEmpty;
  }

  get key(): string {
    return this.ranges.map((r) => `${r.family}:${r.first.toString(16)}-${r.last.toString(16)}`).join(',');
  }

  toString(): string {
    return this.isEmpty ? 'no addresses' : this.ranges.map(formatRange).join(', ');
  }
}
