/**
 * External address blocks: the IP space cut by every ipBlock `cidr` and `except` boundary, with the
 * pieces that lie in exactly the same ipBlocks merged into one block. Two addresses in one block are
 * treated alike by every policy, so each block is one node of the reachability graph.
 */
import { IpRangeSet, parseAddress } from '../semantics/ip-set.js';
import type { IpFamily, IpRange } from '../semantics/ip-set.js';

export interface ExternalBlock {
  readonly id: number;
  readonly ranges: IpRangeSet;
  /** Indexes (into the distinct ipBlock sets) of the ipBlocks that hold this block. */
  readonly hits: ReadonlySet<number>;
  /** The same indexes, ascending. */
  readonly hitList: readonly number[];
  /**
   * An external name from a Cilium `toFQDNs` rule (`api.github.com`, `*.github.com`): its addresses are
   * resolved at run time, so `ranges` is every IPv4 address (only address sets holding all of IPv4, such
   * as 0.0.0.0/0 or the entity world, are sure to hold them) and `hits` the ipBlocks that hold all of it.
   */
  readonly name?: string;
}

/** Blocks for external names, numbered after the address blocks. */
export function nameBlocks(
  names: readonly string[],
  firstId: number,
  wholeFamilyHits: readonly number[],
): ExternalBlock[] {
  return names.map((name, i) => ({
    id: firstId + i,
    ranges: IpRangeSet.allV4,
    hits: new Set(wholeFamilyHits),
    hitList: wholeFamilyHits,
    name,
  }));
}

const familyMax: Readonly<Record<IpFamily, bigint>> = { 4: (1n << 32n) - 1n, 6: (1n << 128n) - 1n };

export function buildExternalBlocks(ipBlocks: readonly IpRangeSet[]): ExternalBlock[] {
  const pieces: Array<{ range: IpRange; hits: number[] }> = [];
  for (const family of [4, 6] as const) {
    const points = new Set<bigint>([0n]);
    for (const block of ipBlocks) {
      for (const r of block.ranges) {
        if (r.family !== family) continue;
        points.add(r.first);
        if (r.last < familyMax[family]) points.add(r.last + 1n);
      }
    }
    const sorted = [...points].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (let i = 0; i < sorted.length; i++) {
      const first = sorted[i]!;
      const last = i + 1 < sorted.length ? sorted[i + 1]! - 1n : familyMax[family];
      const hits: number[] = [];
      ipBlocks.forEach((block, index) => {
        if (block.ranges.some((r) => r.family === family && r.first <= first && last <= r.last))
          hits.push(index);
      });
      pieces.push({ range: { family, first, last }, hits });
    }
  }
  const groups = new Map<string, { ranges: IpRange[]; hits: number[] }>();
  for (const piece of pieces) {
    const key = piece.hits.join(',');
    const group = groups.get(key);
    if (group) group.ranges.push(piece.range);
    else groups.set(key, { ranges: [piece.range], hits: piece.hits });
  }
  return [...groups.values()].map((g, id) => ({
    id,
    ranges: IpRangeSet.of(g.ranges),
    hits: new Set(g.hits),
    hitList: g.hits,
  }));
}

/**
 * Finds the block holding an address by binary search over the blocks' ranges, so that pods' IPs are
 * placed in O(log n) instead of being tested against every ipBlock. The blocks cover each family's
 * whole address space, so every valid address has exactly one block.
 */
export class ExternalIndex {
  private readonly firsts: Record<IpFamily, bigint[]> = { 4: [], 6: [] };
  private readonly owners: Record<IpFamily, ExternalBlock[]> = { 4: [], 6: [] };

  constructor(blocks: readonly ExternalBlock[]) {
    const entries = blocks.flatMap((block) => block.ranges.ranges.map((range) => ({ range, block })));
    entries.sort((a, b) => (a.range.first < b.range.first ? -1 : a.range.first > b.range.first ? 1 : 0));
    for (const { range, block } of entries) {
      this.firsts[range.family].push(range.first);
      this.owners[range.family].push(block);
    }
  }

  /** The block holding `address` (text), or undefined when the text is not an address. */
  blockOfText(address: string): ExternalBlock | undefined {
    const parsed = parseAddress(address);
    return parsed ? this.blockOf(parsed.family, parsed.value) : undefined;
  }

  blockOf(family: IpFamily, value: bigint): ExternalBlock | undefined {
    const firsts = this.firsts[family];
    // The last range starting at or before `value`.
    let lo = 0;
    let hi = firsts.length - 1;
    if (hi < 0 || firsts[0]! > value) return undefined;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (firsts[mid]! <= value) lo = mid;
      else hi = mid - 1;
    }
    return this.owners[family][lo];
  }
}
