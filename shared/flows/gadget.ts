/**
 * Inspektor Gadget `advise network-policy` traces (one JSON object per line, or an array;
 * inspektor-gadget pkg/gadgets/trace/network/types): the local pod (`k8s.namespace`, `k8s.podname`,
 * `podLabels`; the 2022 shape: `namespace`, `pod`), `pktType` (`OUTGOING`: the local pod connected, egress;
 * `HOST`: it received, ingress; others are skipped), `proto`, `port` (the server port) and the remote end
 * (`dst{kind, addr, namespace, name, podLabels}`; 2022: `remoteKind`, `remoteAddr`, `remoteNamespace`,
 * `remoteName`, `remoteLabels`) of kind `pod`, `svc` (its pods: the labels are the Service's selector) or
 * `raw` (an address). Everything traced was observed, so allowed; `debug` lines are skipped.
 */
import type { FlowEndpoint, FlowRecord } from './records.js';
import { countSkip } from './records.js';
import { isObject, jsonLine, str, stringEntries } from './json.js';

export function isGadgetTrace(value: unknown): boolean {
  return isObject(value) && 'pktType' in value && ('k8s' in value || 'pod' in value);
}

export function gadgetRecord(value: unknown, skipped: Map<string, number>): FlowRecord | undefined {
  if (!isObject(value)) {
    countSkip(skipped, 'not a trace object');
    return undefined;
  }
  if (value.type === 'debug') {
    countSkip(skipped, 'debug line');
    return undefined;
  }
  const k8s = isObject(value.k8s) ? value.k8s : {};
  const localLabels = stringEntries(value.podLabels);
  const local: FlowEndpoint = {
    ...((str(k8s.namespace) ?? str(value.namespace))
      ? { namespace: str(k8s.namespace) ?? str(value.namespace) }
      : {}),
    ...((str(k8s.podname) ?? str(value.pod)) ? { pod: str(k8s.podname) ?? str(value.pod) } : {}),
    ...(localLabels ? { labels: localLabels } : {}),
  };
  const dst = isObject(value.dst) ? value.dst : undefined;
  const kind = str(dst?.kind) ?? str(value.remoteKind);
  const remoteNamespace = str(dst?.namespace) ?? str(value.remoteNamespace);
  const remoteName = str(dst?.name) ?? str(value.remoteName);
  const remoteLabels = stringEntries(dst?.podLabels) ?? stringEntries(value.remoteLabels);
  const addr = str(dst?.addr) ?? str(value.remoteAddr);
  let remote: FlowEndpoint;
  if (kind === 'pod')
    remote = {
      ...(remoteNamespace ? { namespace: remoteNamespace } : {}),
      ...(remoteName ? { pod: remoteName } : {}),
      ...(remoteLabels ? { labels: remoteLabels } : {}),
      ...(addr ? { ip: addr } : {}),
    };
  else if (kind === 'svc') {
    if (!remoteLabels) {
      countSkip(skipped, 'a Service without a selector');
      return undefined;
    }
    remote = {
      ...(remoteNamespace ? { namespace: remoteNamespace } : {}),
      labels: remoteLabels,
      labelsSelect: true,
    };
  } else remote = addr ? { ip: addr } : {};
  const protocol = String(value.proto ?? '').toUpperCase();
  const port = Number(value.port);
  if (protocol !== 'TCP' && protocol !== 'UDP') {
    countSkip(skipped, `protocol ${protocol || '(none)'}`);
    return undefined;
  }
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    countSkip(skipped, 'no destination port');
    return undefined;
  }
  const direction = value.pktType;
  if (direction !== 'OUTGOING' && direction !== 'HOST') {
    countSkip(skipped, `packet type ${String(direction)}`);
    return undefined;
  }
  return {
    source: direction === 'OUTGOING' ? local : remote,
    destination: direction === 'OUTGOING' ? remote : local,
    port,
    protocol,
    verdict: 'allowed',
    count: 1,
  };
}

export function gadgetLine(line: string, skipped: Map<string, number>): FlowRecord | undefined {
  return jsonLine(line, skipped, gadgetRecord);
}
