/**
 * Applies a kustomize placement (kustomize.ts) to an object and to what the model reads from it: the
 * namespace and name kustomize gives it, and the labels it adds to pod templates and to NetworkPolicy
 * selectors that have a `matchLabels` (kustomize's commonSelectorFieldSpecs, `create: false`:
 * `spec/podSelector/matchLabels`, `spec/ingress/from/podSelector/matchLabels`,
 * `spec/egress/to/podSelector/matchLabels`). Spans stay those of the source file, so findings point at
 * the lines the user wrote.
 */
import type { KubeObject } from '../parse/kube-objects.js';
import { get, isMap, nodeWithSpan } from '../parse/snode.js';
import type { LabelSetting, Placement } from './kustomize.js';
import type { LabelRequirement, LabelSelector, NetworkPolicy, PolicyRule, Workload } from './types.js';

/** Kinds without a namespace, which kustomize's `namespace` leaves alone (the ones manifests commonly hold). */
const clusterScoped: ReadonlySet<string> = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PersistentVolume',
  'StorageClass',
  'PriorityClass',
  'IngressClass',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'APIService',
  'ClusterIssuer',
  'GlobalNetworkPolicy',
  'CiliumClusterwideNetworkPolicy',
  'AdminNetworkPolicy',
  'BaselineAdminNetworkPolicy',
  'ClusterNetworkPolicy',
]);

/** The object as kustomize emits it for one placement; the placement is recorded for later steps. */
export function placed(
  object: KubeObject,
  placement: Placement,
  registry: Map<KubeObject, Placement>,
): KubeObject {
  const kind = object.kind ?? '';
  const scoped = !clusterScoped.has(kind);
  const out: KubeObject = {
    ...object,
    namespace: scoped ? (placement.namespace ?? object.namespace) : object.namespace,
    name:
      object.name === undefined || kind === 'Namespace'
        ? object.name
        : `${placement.namePrefix}${object.name}${placement.nameSuffix}`,
  };
  registry.set(out, placement);
  return out;
}

/** The labels of the placement's label settings that `reach` a place (all of them by default). */
function labelsOf(
  placement: Placement,
  reach: (l: LabelSetting) => boolean = () => true,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const setting of placement.labels) if (reach(setting)) Object.assign(out, setting.pairs);
  return out;
}

/** Every label the placement adds to `metadata.labels` (all label settings do). */
export function metadataLabels(placement: Placement): Record<string, string> {
  return labelsOf(placement);
}

/** The workload with the labels the placement adds to its pod template (a Pod's own labels: all of them). */
export function withTemplateLabels(workload: Workload, placement: Placement): Workload {
  const added = workload.kind === 'Pod' ? labelsOf(placement) : labelsOf(placement, (l) => l.templates);
  if (Object.keys(added).length === 0) return workload;
  return { ...workload, labels: { ...workload.labels, ...added } };
}

/** The labels the placement adds to selectors (commonLabels, `labels` with includeSelectors). */
export function selectorLabels(placement: Placement): Record<string, string> {
  return labelsOf(placement, (l) => l.selectors);
}

/** The policy with the placement's selector labels added to the selectors that have `matchLabels`. */
export function withSelectorLabels(
  policy: NetworkPolicy,
  object: KubeObject,
  placement: Placement,
): NetworkPolicy {
  const pairs = selectorLabels(placement);
  if (Object.keys(pairs).length === 0) return policy;
  const add = (selector: LabelSelector): LabelSelector => {
    const node = nodeWithSpan(object.node, selector.origin.span);
    if (!isMap(get(node, 'matchLabels'))) return selector;
    const requirements: LabelRequirement[] = [
      ...selector.requirements.filter((r) => !(r.key in pairs && r.operator === 'In')),
      ...Object.entries(pairs).map(([key, value]) => ({
        key,
        operator: 'In' as const,
        values: [value],
        origin: selector.origin,
      })),
    ];
    return { ...selector, requirements };
  };
  const rules = (list: readonly PolicyRule[]): PolicyRule[] =>
    list.map((rule) =>
      rule.peers === 'all'
        ? rule
        : {
            ...rule,
            peers: rule.peers.map((peer) =>
              peer.kind === 'pods' && peer.podSelector
                ? { ...peer, podSelector: add(peer.podSelector) }
                : peer,
            ),
          },
    );
  return {
    ...policy,
    podSelector: add(policy.podSelector),
    ingress: rules(policy.ingress),
    egress: rules(policy.egress),
  };
}
