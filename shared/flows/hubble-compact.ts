/**
 * Hubble's compact text output (`hubble observe -o compact`, the default of a terminal), one flow per
 * line, as cilium/cilium hubble/pkg/printer writes it:
 * `May  4 13:23:47.852: default/xwing:42818 <> default/deathstar-c74d84667-cx5kp:80 Policy denied DROPPED (TCP Flags: SYN)`
 * - endpoints: `namespace/pod:port`, or `address:port` (IPv6 in brackets), optionally followed by a
 *   `(identity)`; `->` is a request, `<-` a reply (skipped), `<>` and `<->` a flow whose direction Hubble
 *   did not know (read as written: drops of a SYN);
 * - the verdict word (FORWARDED, DROPPED, ...); the protocol from the summary (`TCP Flags:`, `UDP`,
 *   `http-request`: TCP; ICMP and lines without one are skipped); `http-request` summaries give the method
 *   and path, `http-response` lines are replies;
 * - the time has no year, so it is not kept.
 */
import type { Protocol } from '../model/types.js';
import type { FlowEndpoint, FlowRecord, FlowVerdict } from './records.js';
import { countSkip } from './records.js';

const line =
  /^[A-Z][a-z]{2}\s+\d{1,2} \d\d:\d\d:\d\d(?:\.\d+)?: (\S+)(?: \([^)]*\))? (->|<-|<>|<->) (\S+)(?: \([^)]*\))? (.*?) ([A-Z_]+)(?: \((.*)\))?$/;

export function isHubbleCompactLine(text: string): boolean {
  return line.test(text);
}

function endpoint(text: string): { end: FlowEndpoint; port: number } | undefined {
  const m = /^(.*):(\d+)$/.exec(text);
  if (!m) return undefined;
  const host = m[1]!.replace(/^\[(.*)\]$/, '$1');
  const port = Number(m[2]);
  const slash = host.indexOf('/');
  if (slash > 0 && !host.includes(':'))
    return { end: { namespace: host.slice(0, slash), pod: host.slice(slash + 1) }, port };
  return { end: { ip: host }, port };
}

const verdicts: Readonly<Record<string, FlowVerdict>> = {
  FORWARDED: 'allowed',
  REDIRECTED: 'allowed',
  AUDIT: 'allowed',
  TRACED: 'allowed',
  DROPPED: 'denied',
  ERROR: 'denied',
};

export function hubbleCompactLine(text: string, skipped: Map<string, number>): FlowRecord | undefined {
  if (text.trim() === '' || text.startsWith('#')) return undefined;
  const m = line.exec(text.trim());
  if (!m) {
    countSkip(skipped, 'a line that is not a compact Hubble flow');
    return undefined;
  }
  const [, from, arrow, to, type = '', verdictWord = '', summary = ''] = m;
  if (arrow === '<-' || /response/.test(type)) {
    countSkip(skipped, 'reply');
    return undefined;
  }
  const protocol: Protocol | undefined =
    /http|kafka/i.test(type) || /TCP/.test(summary)
      ? 'TCP'
      : /UDP/.test(summary) || /^dns/.test(type)
        ? 'UDP'
        : /SCTP/.test(summary)
          ? 'SCTP'
          : undefined;
  if (!protocol) {
    countSkip(skipped, /ICMP/.test(summary) ? 'ICMP' : 'no L4 protocol');
    return undefined;
  }
  const source = endpoint(from!);
  const destination = endpoint(to!);
  if (!source || !destination || destination.port < 1 || destination.port > 65535) {
    countSkip(skipped, 'no destination port');
    return undefined;
  }
  const verdict = verdicts[verdictWord] ?? 'unknown';
  const request = /^HTTP\/\S+ ([A-Z]+) (\S+)/.exec(summary);
  const path = request?.[2]?.replace(/^[a-z]+:\/\/[^/]+/, '');
  return {
    source: source.end,
    destination: destination.end,
    port: destination.port,
    protocol,
    verdict,
    count: 1,
    ...(request ? { http: { method: request[1]!, ...(path ? { path } : {}) } } : {}),
  };
}
