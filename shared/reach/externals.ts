/**
 * External address blocks: the IP space cut by every ipBlock `cidr` and `except` boundary, with the
 * pieces that lie in exactly the same ipBlocks merged into one block. Two addresses in one block are
 * treated alike by every policy, so each block is one node of the reachability graph.
 */
import { IpRangeSet } from '../semantics/ip-set.js';
import type { IpFamily, IpRange } from '../semantics/ip-set.js';

export interface ExternalBlock {
  readonly id: number;
  readonly ranges: IpRangeSet;
  /** Indexes (into the distinct ipBlock sets) of the ipBlocks that hold this block. */
  readonly hits: ReadonlySet<number>;
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
        if (block.ranges.some((r) => r.family === family && r.first <= first && last <= r.last)) hits.push(index);
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
  return [...groups.values()].map((g, id) => ({ id, ranges: IpRangeSet.of(g.ranges), hits: new Set(g.hits) }));
}
