/**
 * Observed traffic as the analysis reads it: one record per observed connection attempt (or an
 * aggregate of several), in the request direction, whatever the source format. Importers
 * (flows/hubble.ts, flows/plain.ts) produce these and say which input records they skipped and why.
 */
import type { Protocol } from '../model/types.js';

export interface FlowEndpoint {
  readonly namespace?: string;
  /** The pod's name (`deathstar-7848d6c4d5-th9v2`) or a workload's name. */
  readonly pod?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly ip?: string;
  /** A name the record gives for an address outside the cluster (DNS, L7 host). */
  readonly name?: string;
  /** A workload named by kind and name (Kubescape, Inspektor Gadget), not by one of its pods. */
  readonly workload?: { readonly kind: string; readonly name: string };
  /** `labels` is a selector the peer's pod labels match (Kubescape), not the pod's own labels. */
  readonly labelsSelect?: boolean;
}

export type FlowVerdict = 'allowed' | 'denied' | 'unknown';

export interface FlowRecord {
  readonly source: FlowEndpoint;
  readonly destination: FlowEndpoint;
  readonly port: number;
  readonly protocol: Protocol;
  readonly verdict: FlowVerdict;
  /** How many observations the record stands for. */
  readonly count: number;
  /** How many input records it aggregates (flows/digest.ts); absent: one. */
  readonly records?: number;
  /** ISO time of the observation (the first one, when the record stands for several), when the format has one. */
  readonly time?: string;
  /** The last observation's time, when the record stands for several observed at different times. */
  readonly until?: string;
  readonly http?: { readonly method?: string; readonly path?: string };
}

export interface ImportResult {
  /** `hubble`, `plain-csv`, `plain-json`. */
  readonly format: string;
  readonly records: readonly FlowRecord[];
  /** Input records left out, by reason ("reply", "ICMP", "no L4 port", ...). */
  readonly skipped: ReadonlyMap<string, number>;
}

export function countSkip(skipped: Map<string, number>, reason: string): void {
  skipped.set(reason, (skipped.get(reason) ?? 0) + 1);
}

/** Widens a time range (`first`, `last`) to hold a record's observations (`time`, or `time` to `until`). */
export function widenTimes(
  range: { first: string | undefined; last: string | undefined },
  record: FlowRecord,
): void {
  if (!record.time) return;
  const last = record.until ?? record.time;
  if (!range.first || record.time < range.first) range.first = record.time;
  if (!range.last || last > range.last) range.last = last;
}
