/**
 * Amazon EKS network policy agent flow logs (VPC CNI `aws-eks-nodeagent`,
 * `/var/log/aws-routed-eni/network-policy-agent.log`, one JSON object per line), in both formats the agent
 * wrote (aws/aws-network-policy-agent pkg/ebpf/events/events.go):
 * - new (v1.2.2 and later): everything in `msg`: `Flow Info: Src IP: … Src Port: … Dest IP: … Dest Port: …
 *   Proto TCP Verdict ACCEPT Direction egress[, Tier …]` (IPv6: `Proto: … Verdict: …`);
 * - old: `msg: "Flow Info: "` with the keys `Src IP`, `Src Port`, `Dest IP`, `Dest Port`, `Proto`, `Verdict`.
 * The agent logs IP addresses only: endpoints resolve by the pod IPs the manifests carry (a cluster dump),
 * or are addresses outside the cluster. `ACCEPT` is allowed, `DENY` denied; a connection may be logged at
 * both ends (egress at the source's node, ingress at the destination's), each an observation.
 */
import type { Protocol } from '../model/types.js';
import type { FlowRecord } from './records.js';
import { countSkip } from './records.js';
import { isObject, jsonLine, str } from './json.js';

const protocols: Readonly<Record<string, Protocol>> = { TCP: 'TCP', UDP: 'UDP', SCTP: 'SCTP' };

/** `Src IP: 10.0.1.28 Src Port: 55484 Dest IP: … Dest Port: 80 Proto TCP Verdict ACCEPT Direction egress`. */
const message =
  /Src IP:\s*(\S+)\s+Src Port:\s*(\d+)\s+Dest IP:\s*(\S+)\s+Dest Port:\s*(\d+)\s+Proto:?\s*(\w+)\s+Verdict:?\s*(\w+)/;

export function isEksFlow(value: unknown): boolean {
  return isObject(value) && typeof value.msg === 'string' && value.msg.startsWith('Flow Info:');
}

export function eksRecord(value: unknown, skipped: Map<string, number>): FlowRecord | undefined {
  if (!isEksFlow(value) || !isObject(value)) {
    countSkip(skipped, 'not a network policy agent flow line');
    return undefined;
  }
  const m = message.exec(String(value.msg));
  const fields = m
    ? { src: m[1], dst: m[3], port: m[4], proto: m[5], verdict: m[6] }
    : {
        src: str(value['Src IP']),
        dst: str(value['Dest IP']),
        port: value['Dest Port'] === undefined ? undefined : String(value['Dest Port']),
        proto: str(value.Proto),
        verdict: str(value.Verdict),
      };
  if (!fields.src || !fields.dst || fields.port === undefined || !fields.proto || !fields.verdict) {
    countSkip(skipped, 'a flow line without addresses, port, protocol or verdict');
    return undefined;
  }
  const protocol = protocols[fields.proto.toUpperCase()];
  if (!protocol) {
    countSkip(skipped, `protocol ${fields.proto} (not TCP, UDP or SCTP)`);
    return undefined;
  }
  const port = Number(fields.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    countSkip(skipped, 'no destination port');
    return undefined;
  }
  const verdict = fields.verdict.toUpperCase();
  const time = str(value.ts);
  return {
    source: { ip: fields.src },
    destination: { ip: fields.dst },
    port,
    protocol,
    verdict: verdict === 'DENY' ? 'denied' : verdict === 'ACCEPT' ? 'allowed' : 'unknown',
    count: 1,
    ...(time && !Number.isNaN(Date.parse(time)) ? { time: new Date(time).toISOString() } : {}),
  };
}

export function eksLine(line: string, skipped: Map<string, number>): FlowRecord | undefined {
  return jsonLine(line, skipped, eksRecord);
}
