/**
 * Reading a flow file: the format is told from the content (Hubble JSON lines or arrays, Calico flow
 * logs, Antrea Flow Aggregator CSV, Kubescape NetworkNeighborhoods, Inspektor Gadget traces, the plain JSON
 * array, the plain CSV),
 * never from the name. A text of no known format is an error the caller
 * reports, not an empty result.
 */
import { hubbleLine, importHubble, isHubble } from './hubble.js';
import { calicoLine, importCalico, isCalicoFlow } from './calico.js';
import { antreaLine, isAntreaCsvLine } from './antrea.js';
import { importKubescape } from './kubescape.js';
import { gadgetLine, gadgetRecord, isGadgetTrace } from './gadget.js';
import { importPlainCsv, importPlainJson, isPlainCsv, plainCsvLine } from './plain.js';
import type { ImportResult } from './records.js';

export function importFlows(text: string): ImportResult | undefined {
  const plainJson = text.trim().startsWith('[') ? importPlainJson(text) : undefined;
  if (plainJson) return plainJson;
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

/** Formats read one line at a time (streaming: memory independent of the number of records). */
export type LineFormat = 'hubble' | 'calico' | 'inspektor-gadget' | 'antrea-csv' | 'plain-csv';

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
    } catch {
      return undefined;
    }
    return isHubble(first) ? 'hubble' : undefined;
  }
  if (isAntreaCsvLine(first)) return 'antrea-csv';
  return isPlainCsv(first) ? 'plain-csv' : undefined;
}

export function recordOfLine(format: LineFormat, line: string, skipped: Map<string, number>) {
  switch (format) {
    case 'hubble':
      return hubbleLine(line, skipped);
    case 'calico':
      return calicoLine(line, skipped);
    case 'inspektor-gadget':
      return gadgetLine(line, skipped);
    case 'antrea-csv':
      return antreaLine(line, skipped);
    case 'plain-csv':
      return plainCsvLine(line, skipped);
  }
}
