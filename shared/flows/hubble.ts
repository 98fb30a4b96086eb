/**
 * Hubble flows (`hubble observe -o json` / `-o jsonpb`, one object per line, the exporter's files, or a
 * JSON array; each object either a flow or `{"flow": {...}}`), as in cilium/cilium api/v1/flow/flow.proto:
 * - endpoints: `source`/`destination` with `namespace`, `pod_name`, `labels` (`k8s:key=value`;
 *   `k8s:io.kubernetes.pod.namespace=<ns>` where `namespace` is empty), and `IP.source`/`IP.destination`;
 * - L4: `l4.TCP|UDP|SCTP.destination_port`; ICMP and flows without L4 are skipped (NetworkPolicy ports
 *   are TCP, UDP and SCTP);
 * - `is_reply: true` (the reply of a connection) is skipped: the request direction is the flow itself;
 * - `verdict`: FORWARDED, REDIRECTED (to a proxy: not a drop) and AUDIT are allowed; DROPPED (and ERROR)
 *   denied; `drop_reason_desc` other than POLICY_DENIED (invalid source IP, ...) is skipped;
 * - `l7.http.method`/`url` where present.
 */
import type { Protocol } from '../model/types.js';
import type { FlowEndpoint, FlowRecord, FlowVerdict, ImportResult } from './records.js';
import { countSkip } from './records.js';
import { isObject, jsonLine, str } from './json.js';
import type { Json } from './json.js';

function endpointOf(raw: unknown, ip: string | undefined): FlowEndpoint {
  const e = isObject(raw) ? raw : {};
  // Built field by field (this runs twice per record): no spreads, labels only when there are some.
  const out: { namespace?: string; pod?: string; labels?: Record<string, string>; ip?: string } = {};
  let namespace = str(e.namespace);
  if (Array.isArray(e.labels) && e.labels.length > 0) {
    const labels: Record<string, string> = {};
    let any = false;
    for (const l of e.labels) {
      if (typeof l !== 'string') continue;
      const body = l.startsWith('k8s:') ? l.slice(4) : l.includes(':') && !l.includes('=') ? '' : l;
      const eq = body.indexOf('=');
      if (eq > 0) {
        labels[body.slice(0, eq)] = body.slice(eq + 1);
        any = true;
      }
    }
    if (any) {
      out.labels = labels;
      namespace ??= labels['io.kubernetes.pod.namespace'];
    }
  }
  if (namespace !== undefined) out.namespace = namespace;
  const pod = str(e.pod_name);
  if (pod !== undefined) out.pod = pod;
  if (ip !== undefined) out.ip = ip;
  return out;
}

const protocolKeys: ReadonlyArray<readonly [string, Protocol]> = [
  ['TCP', 'TCP'],
  ['UDP', 'UDP'],
  ['SCTP', 'SCTP'],
];

/** The flow objects of a Hubble text (lines or an array); undefined when it is not Hubble JSON. */
function flowObjects(text: string): Json[] | undefined {
  const trimmed = text.trim();
  const out: Json[] = [];
  const take = (value: unknown) => {
    if (!isObject(value)) return;
    const flow = isObject(value.flow) ? value.flow : value;
    if ('verdict' in flow || 'l4' in flow || 'IP' in flow) out.push(flow);
  };
  if (trimmed.startsWith('[') || (trimmed.startsWith('{') && trimmed.includes('"flows"'))) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      const list = Array.isArray(parsed)
        ? parsed
        : isObject(parsed) && Array.isArray(parsed.flows)
          ? parsed.flows
          : [];
      list.forEach(take);
      return out.length > 0 ? out : undefined;
    } catch {
      // fall through to lines
    }
  }
  for (const line of trimmed.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    try {
      take(JSON.parse(line));
    } catch {
      return undefined;
    }
  }
  return out.length > 0 ? out : undefined;
}

export function isHubble(text: string): boolean {
  return flowObjects(text) !== undefined;
}

/** One Hubble object (a flow or `{"flow": ...}`) as a record; undefined (and counted) when skipped. */
export function hubbleRecord(value: unknown, skipped: Map<string, number>): FlowRecord | undefined {
  if (!isObject(value)) {
    countSkip(skipped, 'not a flow object');
    return undefined;
  }
  const flow = isObject(value.flow) ? value.flow : value;
  if (flow.is_reply === true) {
    countSkip(skipped, 'reply');
    return undefined;
  }
  const l4 = isObject(flow.l4) ? flow.l4 : {};
  const found = protocolKeys.find(([key]) => isObject(l4[key]));
  if (!found) {
    countSkip(
      skipped,
      Object.keys(l4).some((k) => k.startsWith('ICMP')) ? 'ICMP' : 'no TCP, UDP or SCTP port',
    );
    return undefined;
  }
  const port = (l4[found[0]] as Json).destination_port;
  if (typeof port !== 'number' || port < 1 || port > 65535) {
    countSkip(skipped, 'no destination port');
    return undefined;
  }
  const verdictText = str(flow.verdict) ?? '';
  const drop = str(flow.drop_reason_desc);
  if (verdictText === 'DROPPED' && drop !== undefined && drop !== 'POLICY_DENIED') {
    countSkip(skipped, `dropped for ${drop}, not by policy`);
    return undefined;
  }
  const verdict: FlowVerdict = allowedVerdicts.has(verdictText)
    ? 'allowed'
    : verdictText === 'DROPPED' || verdictText === 'ERROR'
      ? 'denied'
      : 'unknown';
  const ip = isObject(flow.IP) ? flow.IP : {};
  const l7 = isObject(flow.l7) ? flow.l7 : undefined;
  const http = l7 && isObject(l7.http) ? l7.http : undefined;
  const path = str(http?.url)?.replace(/^[a-z]+:\/\/[^/]+/, '');
  const record: {
    source: FlowEndpoint;
    destination: FlowEndpoint;
    port: number;
    protocol: FlowRecord['protocol'];
    verdict: FlowVerdict;
    count: number;
    time?: string;
    http?: { method?: string; path?: string };
  } = {
    source: endpointOf(flow.source, str(ip.source)),
    destination: endpointOf(flow.destination, str(ip.destination)),
    port,
    protocol: found[1],
    verdict,
    count: 1,
  };
  const time = str(flow.time);
  if (time !== undefined) record.time = time;
  if (http) {
    const method = str(http.method);
    record.http = {};
    if (method !== undefined) record.http.method = method;
    if (path) record.http.path = path;
  }
  return record;
}

const allowedVerdicts: ReadonlySet<string> = new Set([
  'FORWARDED',
  'REDIRECTED',
  'AUDIT',
  'TRACED',
  'TRANSLATED',
]);

/** One line of `hubble observe -o json[pb]` output. */
export function hubbleLine(line: string, skipped: Map<string, number>): FlowRecord | undefined {
  return jsonLine(line, skipped, hubbleRecord);
}

export function importHubble(text: string): ImportResult {
  const skipped = new Map<string, number>();
  const records: FlowRecord[] = [];
  for (const flow of flowObjects(text) ?? []) {
    const record = hubbleRecord(flow, skipped);
    if (record) records.push(record);
  }
  return { format: 'hubble', records, skipped };
}
