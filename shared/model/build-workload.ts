/**
 * Reads the pods that policies select: Pod objects, the pod templates of controllers, and the pods that
 * the workspace implies without spelling them out.
 *
 * - Built-in controllers, as the API reference places their templates: `spec.template` for Deployment,
 *   StatefulSet, DaemonSet, ReplicaSet, ReplicationController and Job; `spec.jobTemplate.spec.template`
 *   for CronJob.
 * - Any other object that carries a pod template (a `template` with `spec.containers`) at `spec.template`
 *   (Argo Rollouts, Knative Services, OpenKruise CloneSets, ...), `spec.jobTemplate.spec.template`
 *   (KEDA ScaledJobs, ...) or `spec.podTemplate`: its controller creates pods from it.
 * - Pods that well-known operators create from their resources, with the labels those operators set
 *   (see `operatorPods`).
 * - Labels the control plane adds: Job pods carry `batch.kubernetes.io/job-name` and `job-name`
 *   ("Job labels", https://kubernetes.io/docs/concepts/workloads/controllers/job/#job-labels). Labels that
 *   differ per pod (`statefulset.kubernetes.io/pod-name`, `apps.kubernetes.io/pod-index`,
 *   `pod-template-hash`, ...) cannot be shown by a template: see `perPodLabelKeys`.
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

/**
 * Label keys whose value differs from pod to pod of one template, which a template cannot show:
 * StatefulSet pods' `statefulset.kubernetes.io/pod-name` and `apps.kubernetes.io/pod-index`
 * (https://kubernetes.io/docs/reference/labels-annotations-taints/), the revision hashes that
 * controllers add (`pod-template-hash`, `controller-revision-hash`) and the uid of a Job's controller.
 * A selector requiring one of them is not judged against templates.
 */
export const perPodLabelKeys: ReadonlySet<string> = new Set([
  'statefulset.kubernetes.io/pod-name',
  'apps.kubernetes.io/pod-index',
  'pod-template-hash',
  'controller-revision-hash',
  'controller-uid',
  'batch.kubernetes.io/controller-uid',
]);

interface Template {
  readonly metadata: SNode | undefined;
  readonly spec: SNode | undefined;
}

/** The pod template (metadata + spec) of a workload object, or undefined when it has none. */
function templateOf(kind: string, node: SNode): Template | undefined {
  if (kind === 'Pod') return { metadata: get(node, 'metadata'), spec: get(node, 'spec') };
  if (isWorkloadKind(kind)) {
    const template =
      kind === 'CronJob'
        ? getPath(node, 'spec', 'jobTemplate', 'spec', 'template')
        : getPath(node, 'spec', 'template');
    return { metadata: get(template, 'metadata'), spec: get(template, 'spec') };
  }
  // Another kind: a pod template where such controllers keep one, recognised by its containers.
  for (const template of [
    getPath(node, 'spec', 'template'),
    getPath(node, 'spec', 'jobTemplate', 'spec', 'template'),
    getPath(node, 'spec', 'podTemplate'),
  ]) {
    if (isSeq(getPath(template, 'spec', 'containers')))
      return { metadata: get(template, 'metadata'), spec: get(template, 'spec') };
  }
  return undefined;
}

/** Labels the control plane adds to the pods of a template (Job pods: the Job's name). */
function controlPlaneLabels(kind: string, name: string | undefined): Record<string, string> {
  // A CronJob's Jobs get generated names, so only a Job's own pods have a known job-name.
  if (kind === 'Job' && name !== undefined) return { 'batch.kubernetes.io/job-name': name, 'job-name': name };
  return {};
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

/** The pods an object stands for: its own template, or the pods an operator creates from it. */
export function buildWorkloads(object: KubeObject, namespace: string): Workload[] {
  const own = buildWorkload(object, namespace);
  if (own) return [own];
  return operatorPods(object, namespace);
}

export function buildWorkload(object: KubeObject, namespace: string): Workload | undefined {
  const kind = object.kind;
  if (kind === undefined || !isMap(object.node)) return undefined;
  const template = templateOf(kind, object.node);
  if (!template) return undefined;
  const { metadata, spec } = template;
  const objectMetadata = get(object.node, 'metadata');
  return {
    kind,
    namespace,
    name: object.name ?? '<unnamed>',
    labels: { ...stringMap(get(metadata, 'labels')), ...controlPlaneLabels(kind, object.name) },
    ports: containerPorts(spec),
    ips: kind === 'Pod' ? podIps(object.node) : [],
    hostNetwork: boolValue(get(spec, 'hostNetwork')) === true,
    serviceAccount: stringValue(get(spec, 'serviceAccountName')) ?? stringValue(get(spec, 'serviceAccount')),
    owner: controllerOwner(objectMetadata),
    origin: { file: object.file, span: object.node.span },
    anchor: { file: object.file, span: objectAnchor(object) },
  };
}

/**
 * Pods that well-known operators create from their resources, with the labels the operators document:
 * the Prometheus operator (monitoring.coreos.com) runs a StatefulSet per Prometheus, Alertmanager and
 * ThanosRuler, whose pods carry `app.kubernetes.io/name` (prometheus, alertmanager, thanos-ruler),
 * `app.kubernetes.io/instance` and `app.kubernetes.io/managed-by: prometheus-operator`, a label named for
 * the kind with the resource's name (`prometheus: <name>`), `operator.prometheus.io/name` and, for
 * Prometheus, `operator.prometheus.io/shard: "0"` (the `podMetadata` field of each CRD: "The following
 * items are reserved and cannot be overridden", https://prometheus-operator.dev/docs/api-reference/api/),
 * plus the labels of `spec.podMetadata`. Ports are the defaults of their `web` ports.
 */
function operatorPods(object: KubeObject, namespace: string): Workload[] {
  const group = object.apiVersion?.split('/')[0];
  if (group !== 'monitoring.coreos.com' || object.name === undefined || !isMap(object.node)) return [];
  const known: Record<string, { app: string; label: string; ports: ContainerPort[] }> = {
    Prometheus: {
      app: 'prometheus',
      label: 'prometheus',
      ports: [{ name: 'web', port: 9090, protocol: 'TCP' }],
    },
    Alertmanager: {
      app: 'alertmanager',
      label: 'alertmanager',
      ports: [
        { name: 'web', port: 9093, protocol: 'TCP' },
        { name: 'mesh-tcp', port: 9094, protocol: 'TCP' },
        { name: 'mesh-udp', port: 9094, protocol: 'UDP' },
      ],
    },
    ThanosRuler: {
      app: 'thanos-ruler',
      label: 'thanos-ruler',
      ports: [
        { name: 'web', port: 10902, protocol: 'TCP' },
        { name: 'grpc', port: 10901, protocol: 'TCP' },
      ],
    },
  };
  const operator = object.kind === undefined ? undefined : known[object.kind];
  if (!operator) return [];
  const name = object.name;
  const labels: Record<string, string> = {
    ...stringMap(getPath(object.node, 'spec', 'podMetadata', 'labels')),
    'app.kubernetes.io/name': operator.app,
    'app.kubernetes.io/instance': name,
    'app.kubernetes.io/managed-by': 'prometheus-operator',
    [operator.label]: name,
    'operator.prometheus.io/name': name,
  };
  if (object.kind === 'Prometheus') labels['operator.prometheus.io/shard'] = '0';
  return [
    {
      kind: object.kind!,
      namespace,
      name,
      labels,
      ports: operator.ports,
      ips: [],
      hostNetwork: false,
      owner: undefined,
      origin: { file: object.file, span: object.node.span },
      anchor: { file: object.file, span: objectAnchor(object) },
    },
  ];
}
