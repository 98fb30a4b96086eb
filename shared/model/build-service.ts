/**
 * Reads Services: which pods they select and how their ports map to the pods' ports. NetworkPolicy
 * applies to pod traffic after the Service's translation ("NetworkPolicy ... sees the pod port", the
 * Service's `targetPort`: "Number or name of the port to access on the pods targeted by the service.
 * ... If this is not specified, the value of the 'port' field is used",
 * https://kubernetes.io/docs/reference/kubernetes-api/service-resources/service-v1/#ServiceSpec).
 * Only Services with a `selector` select pods; protocol defaults to TCP.
 */
import type { KubeObject } from '../parse/kube-objects.js';
import { objectAnchor } from '../parse/kube-objects.js';
import { get, isSeq, numberValue, stringMap, stringValue } from '../parse/snode.js';
import type { Origin, Protocol } from './types.js';

export interface ServicePort {
  readonly name: string | undefined;
  readonly protocol: Protocol;
  readonly port: number;
  /** A number, or the name of a container port. */
  readonly targetPort: number | string;
}

export interface Service {
  readonly namespace: string;
  readonly name: string;
  /** `spec.type`: ClusterIP (the default), NodePort, LoadBalancer or ExternalName. */
  readonly type: string;
  readonly selector: Readonly<Record<string, string>>;
  readonly ports: readonly ServicePort[];
  readonly anchor: Origin;
}

export function buildService(object: KubeObject, namespace: string): Service | undefined {
  if (object.kind !== 'Service' || object.apiVersion !== 'v1') return undefined;
  const spec = get(object.node, 'spec');
  const selector = stringMap(get(spec, 'selector'));
  if (Object.keys(selector).length === 0) return undefined;
  const ports: ServicePort[] = [];
  const list = get(spec, 'ports');
  if (isSeq(list)) {
    for (const item of list.items) {
      const port = numberValue(get(item, 'port'));
      if (port === undefined || !Number.isInteger(port)) continue;
      const protocol = stringValue(get(item, 'protocol')) ?? 'TCP';
      if (protocol !== 'TCP' && protocol !== 'UDP' && protocol !== 'SCTP') continue;
      const target = get(item, 'targetPort');
      const targetPort = numberValue(target) ?? stringValue(target) ?? port;
      ports.push({ name: stringValue(get(item, 'name')), protocol, port, targetPort });
    }
  }
  return {
    namespace,
    name: object.name ?? '<unnamed>',
    type: stringValue(get(spec, 'type')) ?? 'ClusterIP',
    selector,
    ports,
    anchor: { file: object.file, span: objectAnchor(object) },
  };
}
