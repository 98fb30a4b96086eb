/**
 * Observed flows kept apart from any workspace: records aggregated by what they say (both endpoints as
 * the records name them, port, protocol, verdict, HTTP request), with counts and the time range. The
 * language server keeps one digest per flow file and replays them into the dry run whenever the
 * manifests change, so a flow file is read once however often the policies are edited; memory grows
 * with the distinct connections the records show, not with the records.
 */
import type { FlowEndpoint, FlowRecord } from './records.js';
import { widenTimes } from './records.js';
import type { FlowSink } from './reader.js';

interface Entry {
  readonly record: FlowRecord;
  records: number;
  count: number;
  first: string | undefined;
  last: string | undefined;
}

function endpointKey(e: FlowEndpoint): string {
  return [
    e.namespace ?? '',
    e.pod ?? '',
    e.ip ?? '',
    e.name ?? '',
    e.workload ? `${e.workload.kind}/${e.workload.name}` : '',
    e.labels ? JSON.stringify(e.labels) : '',
    e.labelsSelect ? 's' : '',
  ].join('\u0001');
}

export class FlowDigest implements FlowSink {
  private readonly entries = new Map<string, Entry>();
  private readonly skippedReasons = new Map<string, number>();
  /** Records read (added or skipped). */
  records = 0;

  add(record: FlowRecord): void {
    const records = record.records ?? 1;
    this.records += records;
    const http = record.http ? `${record.http.method ?? ''} ${record.http.path ?? ''}` : '';
    const key = `${endpointKey(record.source)}\u0000${endpointKey(record.destination)}\u0000${record.port}\u0000${record.protocol}\u0000${record.verdict}\u0000${http}`;
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { record, records: 0, count: 0, first: undefined, last: undefined };
      this.entries.set(key, entry);
    }
    entry.records += records;
    entry.count += record.count;
    widenTimes(entry, record);
  }

  skip(reason: string, count = 1): void {
    this.records += count;
    this.skippedReasons.set(reason, (this.skippedReasons.get(reason) ?? 0) + count);
  }

  /** Distinct aggregated records. */
  get size(): number {
    return this.entries.size;
  }

  get skipped(): ReadonlyMap<string, number> {
    return this.skippedReasons;
  }

  /** Feeds the aggregated records (each with its count and time range) and the skipped counts to a sink. */
  replay(sink: FlowSink): void {
    for (const [reason, n] of this.skippedReasons) sink.skip(reason, n);
    for (const { record, records, count, first, last } of this.entries.values()) {
      sink.add({
        source: record.source,
        destination: record.destination,
        port: record.port,
        protocol: record.protocol,
        verdict: record.verdict,
        count,
        ...(records !== 1 ? { records } : {}),
        ...(record.http ? { http: record.http } : {}),
        ...(first !== undefined ? { time: first } : {}),
        ...(last !== undefined && last !== first ? { until: last } : {}),
      });
    }
  }
}
