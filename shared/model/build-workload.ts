/**
 * Reads the pods that policies select: Pod objects and the pod templates of controllers.
 *
 * Template locations follow the API reference: `spec.template` for Deployment, StatefulSet, DaemonSet,
 * ReplicaSet, ReplicationController and Job; `spec.jobTemplate.spec.template` for CronJob.
 * Container ports default to TCP (ContainerPort.protocol, https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#ports).
 */
import {
  get,
  getPath,
  isMap,
  isSeq,
  numberValue,
  stringMap,
  stringValue,
  boolValue,
} from '../parse/snode.js';
import type { SNode } from '../parse/snode.js';
import type { KubeObject } from '../parse/kube-objects.js';
import { objectAnchor } from '../parse/kube-objects.js';
import type { ContainerPort, Protocol, Workload, WorkloadKind } from './types.js';
import { workloadKinds } from './types.js';

const kinds: ReadonlySet<string> = new Set(workloadKinds);

export function isWorkloadKind(kind: string | undefined): kind is WorkloadKind {
  return kind !== undefined && kinds.has(kind);
}

/** The pod template (metadata + spec) of a workload object. */
function templateOf(
  kind: WorkloadKind,
  node: SNode,
): { metadata: SNode | undefined; spec: SNode | undefined } {
  if (kind === 'Pod') return { metadata: get(node, 'metadata'), spec: get(node, 'spec') };
  const template =
    kind === 'CronJob'
      ? getPath(node, 'spec', 'jobTemplate', 'spec', 'template')
      : getPath(node, 'spec', 'template');
  return { metadata: get(template, 'metadata'), spec: get(template, 'spec') };
}

function containerPorts(spec: SNode | undefined): ContainerPort[] {
  const out: ContainerPort[] = [];
  const containers = get(spec, 'containers');
  if (!isSeq(containers)) return out;
  for (const container of containers.items) {
    const ports = get(container, 'ports');
    if (!isSeq(ports)) continue;
    for (const p of ports.items) {
      const port = numberValue(get(p, 'containerPort'));
      if (port === undefined || !Number.isInteger(port)) continue;
      const protocolText = stringValue(get(p, 'protocol')) ?? 'TCP';
      if (protocolText !== 'TCP' && protocolText !== 'UDP' && protocolText !== 'SCTP') continue;
      out.push({ name: stringValue(get(p, 'name')), port, protocol: protocolText as Protocol });
    }
  }
  return out;
}

function podIps(node: SNode): string[] {
  const status = get(node, 'status');
  const ips = new Set<string>();
  const podIP = stringValue(get(status, 'podIP'));
  if (podIP) ips.add(podIP);
  const podIPs = get(status, 'podIPs');
  if (isSeq(podIPs)) {
    for (const item of podIPs.items) {
      const ip = stringValue(get(item, 'ip'));
      if (ip) ips.add(ip);
    }
  }
  return [...ips];
}

function controllerOwner(metadata: SNode | undefined): { kind: string; name: string } | undefined {
  const refs = get(metadata, 'ownerReferences');
  if (!isSeq(refs)) return undefined;
  let fallback: { kind: string; name: string } | undefined;
  for (const ref of refs.items) {
    const kind = stringValue(get(ref, 'kind'));
    const name = stringValue(get(ref, 'name'));
    if (!kind || !name) continue;
    if (boolValue(get(ref, 'controller')) === true) return { kind, name };
    fallback ??= { kind, name };
  }
  return fallback;
}

export function buildWorkload(object: KubeObject, namespace: string): Workload | undefined {
  const kind = object.kind;
  if (!isWorkloadKind(kind) || !isMap(object.node)) return undefined;
  const { metadata, spec } = templateOf(kind, object.node);
  const objectMetadata = get(object.node, 'metadata');
  return {
    kind,
    namespace,
    name: object.name ?? '<unnamed>',
    labels: stringMap(get(metadata, 'labels')),
    ports: containerPorts(spec),
    ips: kind === 'Pod' ? podIps(object.node) : [],
    hostNetwork: boolValue(get(spec, 'hostNetwork')) === true,
    owner: controllerOwner(objectMetadata),
    origin: { file: object.file, span: object.node.span },
    anchor: { file: object.file, span: objectAnchor(object) },
  };
}
