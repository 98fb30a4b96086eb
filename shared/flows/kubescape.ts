/**
 * Kubescape NetworkNeighborhood objects (`spdx.softwarecomposition.kubescape.io/v1beta1`, kubescape/storage
 * pkg/apis/softwarecomposition/v1beta1): the traffic Kubescape observed for one workload, per container,
 * as `ingress[]` and `egress[]` neighbours. The workload is named by the labels
 * `kubescape.io/workload-kind|name|namespace` (its pod labels in `spec.matchLabels`); a neighbour is
 * `internal` (a `podSelector`, and a `namespaceSelector` for another namespace, whose
 * `kubernetes.io/metadata.name` names it) or `external` (`ipAddress`, `dnsNames`), with `ports[]`
 * (`port`, `protocol`). Everything listed was observed, so allowed; each neighbour port is one record.
 * Also the List kinds (`NetworkNeighborhoodList`) and a JSON array of objects.
 */
import type { Protocol } from '../model/types.js';
import type { FlowEndpoint, FlowRecord, ImportResult } from './records.js';
import { countSkip } from './records.js';
import { isObject, str, stringEntries } from './json.js';
import type { Json } from './json.js';

export function isNetworkNeighborhood(value: unknown): boolean {
  return isObject(value) && (value.kind === 'NetworkNeighborhood' || value.kind === 'NetworkNeighbors');
}

function neighborhoods(parsed: unknown): Json[] {
  if (Array.isArray(parsed)) return parsed.filter(isNetworkNeighborhood) as Json[];
  if (isObject(parsed) && Array.isArray(parsed.items))
    return parsed.items.filter(isNetworkNeighborhood) as Json[];
  return isNetworkNeighborhood(parsed) ? [parsed as Json] : [];
}

export function importKubescape(text: string): ImportResult | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const objects = neighborhoods(parsed);
  if (objects.length === 0) return undefined;
  const skipped = new Map<string, number>();
  const records: FlowRecord[] = [];
  for (const nn of objects) {
    const metadata = isObject(nn.metadata) ? nn.metadata : {};
    const labels = stringEntries(metadata.labels) ?? {};
    const spec = isObject(nn.spec) ? nn.spec : {};
    const namespace = labels['kubescape.io/workload-namespace'] ?? str(metadata.namespace);
    const kind = labels['kubescape.io/workload-kind'];
    const name = labels['kubescape.io/workload-name'];
    const matchLabels = stringEntries(spec.matchLabels);
    const self: FlowEndpoint = {
      ...(namespace ? { namespace } : {}),
      ...(kind && name ? { workload: { kind, name } } : {}),
      ...(matchLabels ? { labels: matchLabels, labelsSelect: true } : {}),
    };
    const containers = Array.isArray(spec.containers) ? spec.containers.filter(isObject) : [];
    for (const container of containers) {
      for (const direction of ['ingress', 'egress'] as const) {
        const list = Array.isArray(container[direction]) ? container[direction] : [];
        for (const n of list) {
          if (!isObject(n)) continue;
          const peer = neighbour(n, namespace);
          const ports = Array.isArray(n.ports) ? n.ports.filter(isObject) : [];
          if (ports.length === 0) countSkip(skipped, 'a neighbour without ports');
          for (const p of ports) {
            const protocol = String(p.protocol ?? '').toUpperCase();
            const port = Number(p.port);
            if (protocol !== 'TCP' && protocol !== 'UDP' && protocol !== 'SCTP') {
              countSkip(skipped, `protocol ${protocol || '(none)'}`);
              continue;
            }
            if (!Number.isInteger(port) || port < 1 || port > 65535) {
              countSkip(skipped, 'no destination port');
              continue;
            }
            records.push({
              source: direction === 'egress' ? self : peer,
              destination: direction === 'egress' ? peer : self,
              port,
              protocol: protocol as Protocol,
              verdict: 'allowed',
              count: 1,
            });
          }
        }
      }
    }
  }
  return { format: 'kubescape', records, skipped };
}

function neighbour(n: Json, selfNamespace: string | undefined): FlowEndpoint {
  if (n.type === 'external') {
    const ip = str(n.ipAddress);
    const dns = Array.isArray(n.dnsNames)
      ? n.dnsNames.find((d) => typeof d === 'string' && d !== '')
      : undefined;
    return { ...(ip ? { ip } : {}), ...(typeof dns === 'string' ? { name: dns } : {}) };
  }
  const podLabels = stringEntries(isObject(n.podSelector) ? n.podSelector.matchLabels : undefined);
  const nsLabels = stringEntries(isObject(n.namespaceSelector) ? n.namespaceSelector.matchLabels : undefined);
  const namespace = nsLabels?.['kubernetes.io/metadata.name'] ?? (nsLabels ? undefined : selfNamespace);
  return {
    ...(namespace ? { namespace } : {}),
    ...(podLabels ? { labels: podLabels, labelsSelect: true } : {}),
    ...(str(n.ipAddress) ? { ip: str(n.ipAddress) } : {}),
  };
}
