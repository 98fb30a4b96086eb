/**
 * Calico Enterprise / Calico Cloud flow logs (`flows.log`: one JSON object per line; the Elasticsearch
 * documents and the docs' examples have the same keys; tigera/docs observability/elastic/flow/datatypes):
 * `source_namespace`/`dest_namespace` (`-` when not namespaced), `source_name`/`dest_name` (`-` when
 * aggregated; then `*_name_aggr` holds the ReplicaSet prefix, or `pub`/`pvt` outside the cluster),
 * `*_labels.labels[]` (`key=value`), `*_ip` (null when aggregated), `dest_port`, `proto` (`tcp`, `udp`,
 * ...), `action` (`allow`/`deny`), `num_flows`. Each connection usually appears twice (reported by its
 * source, `reporter: src`, and by its destination, `dst`); both are counted.
 */
import type { Protocol } from '../model/types.js';
import type { FlowEndpoint, FlowRecord, ImportResult } from './records.js';
import { countSkip } from './records.js';
import { isObject, jsonLine, str as nonEmpty } from './json.js';
import type { Json } from './json.js';

/** Calico writes `-` for an empty field. */
const str = (v: unknown) => (v === '-' ? undefined : nonEmpty(v));

export function isCalicoFlow(value: unknown): boolean {
  return (
    isObject(value) && 'dest_port' in value && 'proto' in value && 'action' in value && 'reporter' in value
  );
}

function endpoint(raw: Json, side: 'source' | 'dest'): FlowEndpoint {
  const out: {
    namespace?: string;
    pod?: string;
    labels?: Record<string, string>;
    ip?: string;
    name?: string;
  } = {};
  const namespace = str(raw[`${side}_namespace`]);
  if (namespace !== undefined) out.namespace = namespace;
  const name = str(raw[`${side}_name`]);
  if (name !== undefined && !name.includes('*')) out.pod = name;
  const labelList = isObject(raw[`${side}_labels`]) ? (raw[`${side}_labels`] as Json).labels : undefined;
  if (Array.isArray(labelList)) {
    const labels: Record<string, string> = {};
    for (const l of labelList) {
      if (typeof l !== 'string') continue;
      const eq = l.indexOf('=');
      if (eq > 0) labels[l.slice(0, eq)] = l.slice(eq + 1);
    }
    if (Object.keys(labels).length > 0) out.labels = labels;
  }
  const ip = str(raw[`${side}_ip`]);
  if (ip !== undefined) out.ip = ip;
  const aggr = str(raw[`${side}_name_aggr`]);
  if (aggr === 'pub' || aggr === 'pvt') out.name = aggr === 'pub' ? 'a public network' : 'a private network';
  return out;
}

export function calicoRecord(value: unknown, skipped: Map<string, number>): FlowRecord | undefined {
  if (!isCalicoFlow(value)) {
    countSkip(skipped, 'not a Calico flow log record');
    return undefined;
  }
  const raw = value as Json;
  const protoText = String(raw.proto ?? '').toUpperCase();
  if (protoText !== 'TCP' && protoText !== 'UDP' && protoText !== 'SCTP') {
    countSkip(skipped, protoText.startsWith('ICMP') ? 'ICMP' : `protocol ${protoText || '(none)'}`);
    return undefined;
  }
  const proto: Protocol = protoText;
  const port = Number(raw.dest_port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    countSkip(skipped, 'no destination port');
    return undefined;
  }
  const action = String(raw.action ?? '').toLowerCase();
  const flows = Number(raw.num_flows);
  const start =
    typeof raw.start_time === 'number' ? new Date(raw.start_time * 1000).toISOString() : undefined;
  return {
    source: endpoint(raw, 'source'),
    destination: endpoint(raw, 'dest'),
    port,
    protocol: proto,
    verdict: action === 'allow' ? 'allowed' : action === 'deny' ? 'denied' : 'unknown',
    count: Number.isFinite(flows) && flows > 0 ? flows : 1,
    ...(start ? { time: start } : {}),
  };
}

export function calicoLine(line: string, skipped: Map<string, number>): FlowRecord | undefined {
  return jsonLine(line, skipped, calicoRecord);
}

/** A whole text: one record, an array of records, or one record per line. */
export function importCalico(text: string): ImportResult | undefined {
  const skipped = new Map<string, number>();
  const records: FlowRecord[] = [];
  let values: unknown[];
  try {
    const parsed: unknown = JSON.parse(text);
    values = Array.isArray(parsed) ? parsed : [parsed];
  } catch {
    values = [];
    for (const line of text.split(/\r?\n/)) {
      if (line.trim() === '') continue;
      try {
        values.push(JSON.parse(line));
      } catch {
        return undefined;
      }
    }
  }
  if (!values.some(isCalicoFlow)) return undefined;
  for (const v of values) {
    const r = calicoRecord(v, skipped);
    if (r) records.push(r);
  }
  return { format: 'calico', records, skipped };
}
