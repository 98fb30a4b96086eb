/**
 * The plain flow format for everything else (documented in the README): CSV lines
 * `source,destination,port,protocol[,verdict[,count]]` (a header line naming those columns is allowed), or
 * a JSON array of objects with the same keys. An endpoint is `namespace/name` (a pod or a workload) or an
 * IP address; `verdict` is `allowed` or `denied` (also ALLOW/ACCEPT/FORWARDED, DENY/DROP/DROPPED), absent
 * = unknown; `count` defaults to 1.
 */
import type { Protocol } from '../model/types.js';
import { parseAddress } from '../semantics/ip-set.js';
import type { FlowEndpoint, FlowRecord, FlowVerdict, ImportResult } from './records.js';
import { countSkip } from './records.js';

const protocols: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];

function endpoint(text: string): FlowEndpoint | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  if (parseAddress(t)) return { ip: t };
  const slash = t.indexOf('/');
  if (slash <= 0 || slash === t.length - 1) return undefined;
  return { namespace: t.slice(0, slash), pod: t.slice(slash + 1) };
}

function verdictOf(text: string | undefined): FlowVerdict {
  const t = (text ?? '').trim().toUpperCase();
  if (['ALLOWED', 'ALLOW', 'ACCEPT', 'ACCEPTED', 'FORWARDED', 'PASS'].includes(t)) return 'allowed';
  if (['DENIED', 'DENY', 'DROP', 'DROPPED', 'REJECT', 'REJECTED'].includes(t)) return 'denied';
  return 'unknown';
}

function record(
  fields: {
    source?: string;
    destination?: string;
    port?: unknown;
    protocol?: string;
    verdict?: string;
    count?: unknown;
  },
  skipped: Map<string, number>,
): FlowRecord | undefined {
  const source = endpoint(String(fields.source ?? ''));
  const destination = endpoint(String(fields.destination ?? ''));
  if (!source || !destination) {
    countSkip(skipped, 'endpoint neither namespace/name nor an IP address');
    return undefined;
  }
  const port = Number(fields.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    countSkip(skipped, 'no destination port');
    return undefined;
  }
  const protocol = (fields.protocol ?? 'TCP').trim().toUpperCase() as Protocol;
  if (!protocols.includes(protocol)) {
    countSkip(skipped, `protocol ${fields.protocol ?? ''} (not TCP, UDP or SCTP)`);
    return undefined;
  }
  const count = fields.count === undefined || fields.count === '' ? 1 : Number(fields.count);
  return {
    source,
    destination,
    port,
    protocol,
    verdict: verdictOf(fields.verdict),
    count: Number.isFinite(count) && count > 0 ? count : 1,
  };
}

/** True when the text is the plain CSV format (a header or a first line of 4 to 6 fields). */
export function isPlainCsv(text: string): boolean {
  const first = text.split(/\r?\n/).find((l) => l.trim() !== '' && !l.startsWith('#'));
  if (!first) return false;
  const cells = first.split(',').map((c) => c.trim());
  return (
    (cells[0] === 'source' && cells[1] === 'destination') ||
    (cells.length >= 4 && cells.length <= 6 && /^\d+$/.test(cells[2] ?? ''))
  );
}

/** One CSV line (blank lines, comments and the header give nothing). */
export function plainCsvLine(line: string, skipped: Map<string, number>): FlowRecord | undefined {
  if (line.trim() === '' || line.startsWith('#')) return undefined;
  const [source, destination, port, protocol, verdict, count] = line.split(',').map((c) => c.trim());
  if (source === 'source' && destination === 'destination') return undefined;
  return record({ source, destination, port, protocol, verdict, count }, skipped);
}

export function importPlainCsv(text: string): ImportResult {
  const skipped = new Map<string, number>();
  const records: FlowRecord[] = [];
  for (const line of text.split(/\r?\n/)) {
    const r = plainCsvLine(line, skipped);
    if (r) records.push(r);
  }
  return { format: 'plain-csv', records, skipped };
}

/** A JSON array of plain records; undefined when the text is not one. */
export function importPlainJson(text: string): ImportResult | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || !parsed.every((x) => typeof x === 'object' && x !== null && 'source' in x))
    return undefined;
  const skipped = new Map<string, number>();
  const records: FlowRecord[] = [];
  for (const item of parsed as Array<Record<string, unknown>>) {
    const r = record(
      {
        source: String(item.source ?? ''),
        destination: String(item.destination ?? ''),
        port: item.port,
        protocol: typeof item.protocol === 'string' ? item.protocol : undefined,
        verdict: typeof item.verdict === 'string' ? item.verdict : undefined,
        count: item.count,
      },
      skipped,
    );
    if (r) records.push(r);
  }
  return { format: 'plain-json', records, skipped };
}
