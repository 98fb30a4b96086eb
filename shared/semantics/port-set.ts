/**
 * The port-set algebra: sets of (protocol, port) as sorted, disjoint, inclusive ranges.
 *
 * Ports are 1..65535 (https://kubernetes.io/docs/reference/kubernetes-api/networking-resources/network-policy-v1/#NetworkPolicySpec,
 * NetworkPolicyPort.port/endPort); protocols are TCP, UDP and SCTP. Values are immutable; `key` is a
 * canonical string, equal for equal sets, used to intern and memoise.
 */
import { protocols } from '../model/types.js';
import type { Protocol } from '../model/types.js';

export const MIN_PORT = 1;
export const MAX_PORT = 65535;

/** Inclusive ranges, sorted and disjoint and non-adjacent, as a flat [lo0, hi0, lo1, hi1, ...]. */
export type Ranges = readonly number[];

export interface PortRange {
  readonly protocol: Protocol;
  readonly port: number;
  readonly endPort: number;
}

const ALL: Ranges = [MIN_PORT, MAX_PORT];
const NONE: Ranges = [];

function normalise(ranges: Array<[number, number]>): Ranges {
  if (ranges.length === 0) return NONE;
  ranges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: number[] = [];
  for (const [lo, hi] of ranges) {
    const clampedLo = Math.max(MIN_PORT, lo);
    const clampedHi = Math.min(MAX_PORT, hi);
    if (clampedLo > clampedHi) continue;
    const n = out.length;
    if (n > 0 && clampedLo <= out[n - 1]! + 1) out[n - 1] = Math.max(out[n - 1]!, clampedHi);
    else out.push(clampedLo, clampedHi);
  }
  return out;
}

function unionRanges(a: Ranges, b: Ranges): Ranges {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < a.length; i += 2) pairs.push([a[i]!, a[i + 1]!]);
  for (let i = 0; i < b.length; i += 2) pairs.push([b[i]!, b[i + 1]!]);
  return normalise(pairs);
}

function intersectRanges(a: Ranges, b: Ranges): Ranges {
  if (a.length === 0 || b.length === 0) return NONE;
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = Math.max(a[i]!, b[j]!);
    const hi = Math.min(a[i + 1]!, b[j + 1]!);
    if (lo <= hi) out.push(lo, hi);
    if (a[i + 1]! < b[j + 1]!) i += 2;
    else j += 2;
  }
  return out;
}

function subtractRanges(a: Ranges, b: Ranges): Ranges {
  if (a.length === 0 || b.length === 0) return a;
  const out: number[] = [];
  let j = 0;
  for (let i = 0; i < a.length; i += 2) {
    let lo = a[i]!;
    const hi = a[i + 1]!;
    while (j < b.length && b[j + 1]! < lo) j += 2;
    let k = j;
    while (k < b.length && b[k]! <= hi) {
      if (b[k]! > lo) out.push(lo, b[k]! - 1);
      lo = Math.max(lo, b[k + 1]! + 1);
      k += 2;
    }
    if (lo <= hi) out.push(lo, hi);
  }
  return out;
}

function rangesEqual(a: Ranges, b: Ranges): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export class PortSet {
  private keyCache: string | undefined;

  private constructor(
    readonly tcp: Ranges,
    readonly udp: Ranges,
    readonly sctp: Ranges,
  ) {}

  static readonly none = new PortSet(NONE, NONE, NONE);
  static readonly all = new PortSet(ALL, ALL, ALL);

  /** Every port of one protocol. */
  static allOf(protocol: Protocol): PortSet {
    return PortSet.range(protocol, MIN_PORT, MAX_PORT);
  }

  /** Ports `lo..hi` (inclusive) of one protocol; empty when lo > hi. */
  static range(protocol: Protocol, lo: number, hi: number = lo): PortSet {
    const r = normalise([[lo, hi]]);
    return new PortSet(
      protocol === 'TCP' ? r : NONE,
      protocol === 'UDP' ? r : NONE,
      protocol === 'SCTP' ? r : NONE,
    );
  }

  static fromRanges(ranges: Iterable<PortRange>): PortSet {
    let out = PortSet.none;
    for (const r of ranges) out = out.union(PortSet.range(r.protocol, r.port, r.endPort));
    return out;
  }

  of(protocol: Protocol): Ranges {
    return protocol === 'TCP' ? this.tcp : protocol === 'UDP' ? this.udp : this.sctp;
  }

  get isEmpty(): boolean {
    return this.tcp.length === 0 && this.udp.length === 0 && this.sctp.length === 0;
  }

  get isAll(): boolean {
    return rangesEqual(this.tcp, ALL) && rangesEqual(this.udp, ALL) && rangesEqual(this.sctp, ALL);
  }

  union(other: PortSet): PortSet {
    if (other.isEmpty || this === other) return this;
    if (this.isEmpty) return other;
    return new PortSet(
      unionRanges(this.tcp, other.tcp),
      unionRanges(this.udp, other.udp),
      unionRanges(this.sctp, other.sctp),
    );
  }

  intersect(other: PortSet): PortSet {
    if (this.isEmpty || other.isEmpty) return PortSet.none;
    if (this === other) return this;
    return new PortSet(
      intersectRanges(this.tcp, other.tcp),
      intersectRanges(this.udp, other.udp),
      intersectRanges(this.sctp, other.sctp),
    );
  }

  subtract(other: PortSet): PortSet {
    if (this.isEmpty || other.isEmpty) return this;
    return new PortSet(
      subtractRanges(this.tcp, other.tcp),
      subtractRanges(this.udp, other.udp),
      subtractRanges(this.sctp, other.sctp),
    );
  }

  has(protocol: Protocol, port: number): boolean {
    const r = this.of(protocol);
    for (let i = 0; i < r.length; i += 2) if (port >= r[i]! && port <= r[i + 1]!) return true;
    return false;
  }

  /** True when every port of `other` is in this set. */
  contains(other: PortSet): boolean {
    return other.subtract(this).isEmpty;
  }

  equals(other: PortSet): boolean {
    return this === other || this.key === other.key;
  }

  /** Canonical text, equal for equal sets. */
  get key(): string {
    if (this.keyCache === undefined)
      this.keyCache = `${this.tcp.join(',')}|${this.udp.join(',')}|${this.sctp.join(',')}`;
    return this.keyCache;
  }

  /** The set as inclusive ranges, protocol by protocol (TCP, UDP, SCTP), ascending. */
  toRanges(): PortRange[] {
    const out: PortRange[] = [];
    for (const protocol of protocols) {
      const r = this.of(protocol);
      for (let i = 0; i < r.length; i += 2) out.push({ protocol, port: r[i]!, endPort: r[i + 1]! });
    }
    return out;
  }

  /** Readable text: `all ports`, `TCP 80, 443; UDP 53`, `none`. */
  toString(): string {
    if (this.isEmpty) return 'no ports';
    if (this.isAll) return 'all ports';
    const parts: string[] = [];
    for (const protocol of protocols) {
      const r = this.of(protocol);
      if (r.length === 0) continue;
      if (rangesEqual(r, ALL)) {
        parts.push(`${protocol} all`);
        continue;
      }
      const items: string[] = [];
      for (let i = 0; i < r.length; i += 2) items.push(r[i] === r[i + 1] ? `${r[i]}` : `${r[i]}-${r[i + 1]}`);
      parts.push(`${protocol} ${items.join(',')}`);
    }
    return parts.join('; ');
  }
}
