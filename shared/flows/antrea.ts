/**
 * Antrea Flow Aggregator flow logs (the `flowLogger` exporter: headerless CSV, 30 columns, in the order of
 * antrea-io/antrea pkg/flowaggregator/flowlogger/logger.go `WriteRecord`): 2 sourceIP, 3 destinationIP,
 * 5 destinationTransportPort, 6 protocol (name or IANA number), 7 sourcePodName, 8 sourcePodNamespace,
 * 10 destinationPodName, 11 destinationPodNamespace, 20 ingressNetworkPolicyRuleAction, 25
 * egressNetworkPolicyRuleAction (`Allow`/`Drop`/`Reject` or 1/2/3; 0 or `Invalid` when no rule acted).
 * A record with a Drop or Reject is denied; any other observed flow was allowed.
 */
import type { Protocol } from '../model/types.js';
import type { FlowEndpoint, FlowRecord } from './records.js';
import { countSkip } from './records.js';

const protocolNumbers: Readonly<Record<string, Protocol>> = {
  '6': 'TCP',
  '17': 'UDP',
  '132': 'SCTP',
  TCP: 'TCP',
  UDP: 'UDP',
  SCTP: 'SCTP',
};

export function isAntreaCsvLine(line: string): boolean {
  const cells = line.split(',');
  return cells.length >= 27 && /^\d+$/.test(cells[0] ?? '') && /^\d+$/.test(cells[1] ?? '');
}

function endpoint(
  pod: string | undefined,
  namespace: string | undefined,
  ip: string | undefined,
): FlowEndpoint {
  const out: { namespace?: string; pod?: string; ip?: string } = {};
  if (namespace) out.namespace = namespace;
  if (pod) out.pod = pod;
  if (ip) out.ip = ip;
  return out;
}

export function antreaLine(line: string, skipped: Map<string, number>): FlowRecord | undefined {
  if (line.trim() === '') return undefined;
  const c = line.split(',').map((x) => x.trim());
  if (c.length < 27) {
    countSkip(skipped, 'a line with fewer than 27 columns');
    return undefined;
  }
  const protocol = protocolNumbers[(c[6] ?? '').toUpperCase()];
  if (!protocol) {
    countSkip(skipped, `protocol ${c[6] ?? ''} (not TCP, UDP or SCTP)`);
    return undefined;
  }
  const port = Number(c[5]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    countSkip(skipped, 'no destination port');
    return undefined;
  }
  const denied = (a: string | undefined) => a === 'Drop' || a === 'Reject' || a === '2' || a === '3';
  return {
    source: endpoint(c[7], c[8], c[2]),
    destination: endpoint(c[10], c[11], c[3]),
    port,
    protocol,
    verdict: denied(c[20]) || denied(c[25]) ? 'denied' : 'allowed',
    count: 1,
    ...(/^\d+$/.test(c[0] ?? '') ? { time: new Date(Number(c[0]) * 1000).toISOString() } : {}),
  };
}
