/**
 * kube-network-policies (kubernetes-sigs/kube-network-policies, the reference NetworkPolicy implementation
 * of Kubernetes CI) packet logs in klog JSON (`-v=2`, one object per line; docs/json-logging.md):
 * an "Evaluating packet" entry per direction (`srcPod`/`dstPod` as `namespace/name` or `external`, the
 * 5-tuple in `packet`: `SrcIP`, `DstIP`, `Proto`, `DstPort`), then a verdict entry with the same `id`:
 * "Packet accepted by policy", "Packet denied by egress policy" or "… by ingress policy". Entries are
 * joined on `id` as they arrive (the parser keeps the packets still waiting for their verdict); a packet
 * whose verdict never came is counted with an unknown verdict at the end of the file.
 */
import type { Protocol } from '../model/types.js';
import type { FlowEndpoint, FlowRecord, FlowVerdict } from './records.js';
import { countSkip } from './records.js';
import { isObject, jsonLine, str } from './json.js';
import type { Json } from './json.js';

const protocols: Readonly<Record<string, Protocol>> = { TCP: 'TCP', UDP: 'UDP', SCTP: 'SCTP' };

/** At most this many packets wait for their verdict; older ones are counted as unknown. */
const PENDING = 100_000;

export function isKubeNetworkPoliciesEntry(value: unknown): boolean {
  return (
    isObject(value) &&
    typeof value.msg === 'string' &&
    (value.msg === 'Evaluating packet' || /^Packet (accepted|denied) by/.test(value.msg)) &&
    'id' in value
  );
}

function endpoint(pod: string | undefined, ip: string | undefined): FlowEndpoint {
  const out: { namespace?: string; pod?: string; ip?: string } = {};
  const slash = pod && pod !== 'external' ? pod.indexOf('/') : -1;
  if (pod && slash > 0) {
    out.namespace = pod.slice(0, slash);
    out.pod = pod.slice(slash + 1);
  }
  if (ip) out.ip = ip;
  return out;
}

/** The log of one file, line by line. */
export class KubeNetworkPoliciesLog {
  private readonly pending = new Map<string, Omit<FlowRecord, 'verdict'>>();

  line(line: string, skipped: Map<string, number>): FlowRecord | undefined {
    return jsonLine(line, skipped, (value, counted) => this.entry(value, counted));
  }

  entry(value: unknown, skipped: Map<string, number>): FlowRecord | undefined {
    if (!isKubeNetworkPoliciesEntry(value) || !isObject(value)) {
      countSkip(skipped, 'not a packet or verdict entry');
      return undefined;
    }
    const id = String(value.id);
    if (value.msg === 'Evaluating packet') {
      // One entry per direction: the first one is kept.
      if (this.pending.has(id)) return undefined;
      const packet = this.packet(value, skipped);
      if (packet) {
        if (this.pending.size >= PENDING) {
          const [oldest] = this.pending.keys();
          if (oldest !== undefined) this.pending.delete(oldest);
          countSkip(skipped, 'a packet whose verdict did not come in time');
        }
        this.pending.set(id, packet);
      }
      return undefined;
    }
    const packet = this.pending.get(id);
    if (!packet) {
      countSkip(skipped, 'a verdict without its packet entry');
      return undefined;
    }
    this.pending.delete(id);
    const verdict: FlowVerdict = String(value.msg).startsWith('Packet denied') ? 'denied' : 'allowed';
    return { ...packet, verdict };
  }

  private packet(value: Json, skipped: Map<string, number>): Omit<FlowRecord, 'verdict'> | undefined {
    const packet = isObject(value.packet) ? value.packet : {};
    const protocol = protocols[String(packet.Proto).toUpperCase()];
    if (!protocol) {
      countSkip(skipped, `protocol ${String(packet.Proto)} (not TCP, UDP or SCTP)`);
      return undefined;
    }
    const port = Number(packet.DstPort);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      countSkip(skipped, 'no destination port');
      return undefined;
    }
    const ts = Number(value.ts);
    return {
      source: endpoint(str(value.srcPod), str(packet.SrcIP)),
      destination: endpoint(str(value.dstPod), str(packet.DstIP)),
      port,
      protocol,
      count: 1,
      ...(Number.isFinite(ts) && ts > 0 ? { time: new Date(ts).toISOString() } : {}),
    };
  }

  /** The packets whose verdict never came, with an unknown verdict. */
  end(): FlowRecord[] {
    const out = [...this.pending.values()].map((p) => ({ ...p, verdict: 'unknown' as const }));
    this.pending.clear();
    return out;
  }
}
