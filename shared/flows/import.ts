/**
 * Reading a flow file: the format is told from the content (Hubble JSON lines or arrays, Calico flow
 * logs, Antrea Flow Aggregator CSV, Kubescape NetworkNeighborhoods, Inspektor Gadget traces, EKS network
 * policy agent logs, NetObserv records (JSON lines or a Loki response), kube-network-policies packet logs,
 * the plain JSON array, the plain CSV),
 * never from the name. A text of no known format is an error the caller
 * reports, not an empty result.
 */
import { hubbleLine, importHubble, isHubble } from './hubble.js';
import { calicoLine, importCalico, isCalicoFlow } from './calico.js';
import { antreaLine, isAntreaCsvLine } from './antrea.js';
import { importKubescape } from './kubescape.js';
import { gadgetLine, gadgetRecord, isGadgetTrace } from './gadget.js';
import { importPlainCsv, importPlainJson, isPlainCsv, plainCsvLine } from './plain.js';
import { eksLine, eksRecord, isEksFlow } from './eks.js';
import { importNetobservLoki, isNetobservFlow, netobservLine, netobservRecord } from './netobserv.js';
import { isKubeNetworkPoliciesEntry, KubeNetworkPoliciesLog } from './kube-network-policies.js';
import { hubbleCompactLine, isHubbleCompactLine } from './hubble-compact.js';
import type { FlowRecord, ImportResult } from './records.js';

export function importFlows(text: string): ImportResult | undefined {
  const plainJson = text.trim().startsWith('[') ? importPlainJson(text) : undefined;
  if (plainJson) return plainJson;
  const loki = /"resultType"/.test(text) ? importNetobservLoki(text) : undefined;
  if (loki) return loki;
  const whole = jsonObjects(text);
  if (whole && whole.length > 0) {
    // JSON objects (pretty-printed or not) of the formats read per object.
    const skipped = new Map<string, number>();
    const first = whole[0];
    if (isKubeNetworkPoliciesEntry(first)) {
      const log = new KubeNetworkPoliciesLog();
      const records = whole.flatMap((v) => log.entry(v, skipped) ?? []);
      return { format: 'kube-network-policies', records: [...records, ...log.end()], skipped };
    }
    const read = isEksFlow(first) ? eksRecord : isNetobservFlow(first) ? netobservRecord : undefined;
    if (read)
      return {
        format: read === eksRecord ? 'eks-network-policy-agent' : 'netobserv',
        records: whole.flatMap((v) => read(v, skipped) ?? []),
        skipped,
      };
  }
  const kubescape = /"NetworkNeighbo/.test(text) ? importKubescape(text) : undefined;
  if (kubescape) return kubescape;
  if (/"pktType"/.test(text)) {
    const skipped = new Map<string, number>();
    let values: unknown[] | undefined;
    try {
      const parsed: unknown = JSON.parse(text);
      values = Array.isArray(parsed) ? parsed : [parsed];
    } catch {
      values = undefined;
    }
    const records = values
      ? values.flatMap((v) => gadgetRecord(v, skipped) ?? [])
      : text.split(/\r?\n/).flatMap((line) => gadgetLine(line, skipped) ?? []);
    if (records.length > 0 || skipped.size > 0) return { format: 'inspektor-gadget', records, skipped };
  }
  const calico = /"dest_port"/.test(text) && /"reporter"/.test(text) ? importCalico(text) : undefined;
  if (calico) return calico;
  if (isHubble(text)) return importHubble(text);
  const first = text.split(/\r?\n/).find((l) => l.trim() !== '' && !l.startsWith('#'));
  if (first !== undefined && isAntreaCsvLine(first)) {
    const skipped = new Map<string, number>();
    const records = text.split(/\r?\n/).flatMap((line) => antreaLine(line, skipped) ?? []);
    return { format: 'antrea-csv', records, skipped };
  }
  if (isPlainCsv(text)) return importPlainCsv(text);
  return undefined;
}

/**
 * A text of JSON values one after the other (JSON lines, or pretty-printed objects in a row), or
 * undefined when it is not one.
 */
function jsonObjects(text: string): unknown[] | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) return undefined;
  try {
    return [JSON.parse(trimmed)];
  } catch {
    // Several values: split where one object ends and the next begins at a line start.
    const parts = trimmed.split(/(?<=\})\s*\n(?=\{)/);
    try {
      return parts.map((p) => JSON.parse(p) as unknown);
    } catch {
      return undefined;
    }
  }
}

/** Formats read one line at a time (streaming: memory independent of the number of records). */
export type LineFormat =
  | 'hubble'
  | 'calico'
  | 'inspektor-gadget'
  | 'antrea-csv'
  | 'plain-csv'
  | 'eks-network-policy-agent'
  | 'netobserv'
  | 'kube-network-policies'
  | 'hubble-compact';

/**
 * The line format of a file from its first lines, or undefined when the file must be read whole (a
 * JSON array) or is of no known format.
 */
export function detectLineFormat(head: string): LineFormat | undefined {
  const trimmed = head.trimStart();
  if (trimmed.startsWith('[')) return undefined;
  const lines = trimmed.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.startsWith('#'));
  const first = lines[0];
  if (first === undefined) return undefined;
  if (first.startsWith('{')) {
    // The first complete line must be a flow object (a partial last line of the head is not judged).
    if (lines.length <= 1 && !head.endsWith('\n')) return undefined;
    try {
      const value: unknown = JSON.parse(first);
      if (isCalicoFlow(value)) return 'calico';
      if (isGadgetTrace(value)) return 'inspektor-gadget';
      if (isEksFlow(value)) return 'eks-network-policy-agent';
      if (isKubeNetworkPoliciesEntry(value)) return 'kube-network-policies';
      if (isNetobservFlow(value)) return 'netobserv';
    } catch {
      return undefined;
    }
    return isHubble(first) ? 'hubble' : undefined;
  }
  if (isAntreaCsvLine(first)) return 'antrea-csv';
  if (isHubbleCompactLine(first)) return 'hubble-compact';
  return isPlainCsv(first) ? 'plain-csv' : undefined;
}

/** Reads the lines of one file of a line format; `end` gives what a stateful format still holds. */
export interface LineParser {
  line(line: string, skipped: Map<string, number>): FlowRecord | undefined;
  end(): readonly FlowRecord[];
}

const stateless = (
  read: (line: string, skipped: Map<string, number>) => FlowRecord | undefined,
): LineParser => ({
  line: read,
  end: () => [],
});

/** A parser for the lines of one file of a format. */
export function lineParser(format: LineFormat): LineParser {
  switch (format) {
    case 'hubble':
      return stateless(hubbleLine);
    case 'calico':
      return stateless(calicoLine);
    case 'inspektor-gadget':
      return stateless(gadgetLine);
    case 'antrea-csv':
      return stateless(antreaLine);
    case 'plain-csv':
      return stateless(plainCsvLine);
    case 'eks-network-policy-agent':
      return stateless(eksLine);
    case 'netobserv':
      return stateless(netobservLine);
    case 'kube-network-policies':
      return new KubeNetworkPoliciesLog();
    case 'hubble-compact':
      return stateless(hubbleCompactLine);
  }
}
