/**
 * Network Observability (netobserv eBPF agent and flowlogs-pipeline; OpenShift's Network Observability)
 * flow records, as a Loki `query_range` response (`data.result[]`: the `stream` labels and `values[][1]`,
 * the record as a JSON string, merged) or as JSON lines of records; fields as in
 * netobserv/network-observability-operator docs/flows-format.adoc:
 * - endpoints: `SrcK8S_Namespace`, `SrcK8S_Name` and `SrcK8S_Type` (Pod, Service, Node), `SrcAddr`; the
 *   same with `Dst`. Records between nodes (host network) are skipped; a Service end is the Service's
 *   address (the records do not say which pod served it), skipped too; records carry no pod labels;
 * - `DstPort`, `Proto` (IANA number: 6, 17, 132; others such as ICMP are skipped);
 * - both directions of a connection are separate records: a record whose destination port is ephemeral
 *   (32768 and above) while its source port is not is the reply, and is skipped;
 * - no verdict on normal flows (observed: allowed); an OVN-Kubernetes `NetworkEvents` entry with
 *   `Action: drop` makes the record denied.
 */
import type { Protocol } from '../model/types.js';
import type { FlowEndpoint, FlowRecord, ImportResult } from './records.js';
import { countSkip } from './records.js';
import { isObject, jsonLine, str } from './json.js';
import type { Json } from './json.js';

const protocols: Readonly<Record<string, Protocol>> = { '6': 'TCP', '17': 'UDP', '132': 'SCTP' };

/** The first port of the ephemeral range Linux uses by default (net.ipv4.ip_local_port_range). */
const EPHEMERAL = 32768;

export function isNetobservFlow(value: unknown): boolean {
  return (
    isObject(value) &&
    ('SrcK8S_Namespace' in value ||
      'DstK8S_Namespace' in value ||
      'SrcK8S_Type' in value ||
      ('SrcAddr' in value && 'DstAddr' in value && 'Proto' in value))
  );
}

function endpoint(record: Json, side: 'Src' | 'Dst'): FlowEndpoint | string {
  const type = str(record[`${side}K8S_Type`]);
  if (type === 'Node') return 'host (node) traffic';
  if (type === 'Service') return 'a Service address (the records do not say which pod served it)';
  const out: { namespace?: string; pod?: string; ip?: string } = {};
  const namespace = str(record[`${side}K8S_Namespace`]);
  const pod = type === 'Pod' || type === undefined ? str(record[`${side}K8S_Name`]) : undefined;
  const ip = str(record[`${side}Addr`]);
  if (namespace) out.namespace = namespace;
  if (pod) out.pod = pod;
  if (ip) out.ip = ip;
  return out;
}

export function netobservRecord(value: unknown, skipped: Map<string, number>): FlowRecord | undefined {
  if (!isObject(value)) {
    countSkip(skipped, 'not a flow object');
    return undefined;
  }
  const protocol = protocols[String(value.Proto)];
  if (!protocol) {
    countSkip(skipped, `protocol ${String(value.Proto)} (not TCP, UDP or SCTP)`);
    return undefined;
  }
  const port = Number(value.DstPort);
  const sourcePort = Number(value.SrcPort);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    countSkip(skipped, 'no destination port');
    return undefined;
  }
  if (port >= EPHEMERAL && Number.isInteger(sourcePort) && sourcePort > 0 && sourcePort < EPHEMERAL) {
    countSkip(skipped, 'reply (the destination port is ephemeral)');
    return undefined;
  }
  const source = endpoint(value, 'Src');
  const destination = endpoint(value, 'Dst');
  for (const end of [source, destination])
    if (typeof end === 'string') {
      countSkip(skipped, end);
      return undefined;
    }
  const events = Array.isArray(value.NetworkEvents) ? value.NetworkEvents : [];
  const dropped = events.some((e) => isObject(e) && String(e.Action).toLowerCase() === 'drop');
  const start = Number(value.TimeFlowStartMs);
  return {
    source: source as FlowEndpoint,
    destination: destination as FlowEndpoint,
    port,
    protocol,
    verdict: dropped ? 'denied' : 'allowed',
    count: 1,
    ...(Number.isFinite(start) && start > 0 ? { time: new Date(start).toISOString() } : {}),
  };
}

export function netobservLine(line: string, skipped: Map<string, number>): FlowRecord | undefined {
  return jsonLine(line, skipped, netobservRecord);
}

/** A Loki `query_range` response of NetObserv records; undefined when the text is not one. */
export function importNetobservLoki(text: string): ImportResult | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const result = isObject(parsed) && isObject(parsed.data) ? parsed.data.result : undefined;
  if (!Array.isArray(result)) return undefined;
  const skipped = new Map<string, number>();
  const records: FlowRecord[] = [];
  for (const stream of result) {
    if (!isObject(stream) || !Array.isArray(stream.values)) continue;
    const labels = isObject(stream.stream) ? stream.stream : {};
    for (const entry of stream.values) {
      let line: unknown;
      try {
        line = Array.isArray(entry) && typeof entry[1] === 'string' ? JSON.parse(entry[1]) : undefined;
      } catch {
        line = undefined;
      }
      if (!isObject(line)) {
        countSkip(skipped, 'a Loki entry that is not a flow record');
        continue;
      }
      const record = netobservRecord({ ...labels, ...line }, skipped);
      if (record) records.push(record);
    }
  }
  return records.length > 0 || skipped.size > 0 ? { format: 'netobserv-loki', records, skipped } : undefined;
}
