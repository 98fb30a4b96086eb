/**
 * Builds the cluster model of a set of manifest files: load, recognise objects, validate policies,
 * and assemble namespaces, workloads and policies.
 *
 * - Objects without `metadata.namespace` live in the default namespace (`default`, overridable), as
 *   `kubectl apply` places them.
 * - Every namespace carries the automatic label `kubernetes.io/metadata.name=<name>`, which the control
 *   plane sets and keeps on all namespaces (https://kubernetes.io/docs/reference/labels-annotations-taints/#kubernetes-io-metadata-name).
 *   Namespaces that objects refer to but no manifest declares still exist, with only that label.
 * - A controller whose pods (or whose owned ReplicaSets) appear in the manifests is represented by
 *   them and gets no template node of its own, so a `kubectl get all -o yaml` dump counts each pod once.
 */
import type { SourceFile, Span } from '../source/source-file.js';
import type { Finding } from '../findings.js';
import { loadManifests, defaultLoadLimits, describeError } from '../parse/yaml-loader.js';
import type { LoadLimits, LoadedFile } from '../parse/yaml-loader.js';
import { objectsOfDocument, objectAnchor } from '../parse/kube-objects.js';
import type { KubeObject } from '../parse/kube-objects.js';
import { get, stringMap, stringValue, toPlain } from '../parse/snode.js';
import { validateNetworkPolicy, validateObjectMetadata } from '../validate/index.js';
import { isBuiltInGroupVersion } from '../validate/api-version.js';
import { buildWorkloads } from './build-workload.js';
import { foreignPolicyOf } from './foreign-policies.js';
import { modelledPolicyFamily, readPolicyApiObjects } from '../policy-apis/index.js';
import { requireDnsProxy } from '../policy-apis/cilium.js';
import type { CommonPolicy } from './rule-model.js';
import { kustomizeView } from './kustomize.js';
import { buildService } from './build-service.js';
import type { Service } from './build-service.js';
import type { KustomizeView, Placement } from './kustomize.js';
import {
  metadataLabels,
  placed,
  selectorLabels,
  withSelectorLabels,
  withTemplateLabels,
} from './kustomize-apply.js';
import type { ForeignPolicy } from './foreign-policies.js';
import { buildPolicy } from './build-policy.js';
import type { ClusterModel, NamespaceInfo, NetworkPolicy, Workload } from './types.js';
import { qualifiedName } from './types.js';

export const METADATA_NAME_LABEL = 'kubernetes.io/metadata.name';

export interface BuildOptions {
  /** Namespace of objects that do not name one. Default `default`. */
  readonly defaultNamespace?: string;
  readonly limits?: LoadLimits;
  /** Per-object results to reuse across builds (keyed by the object's node, which unchanged documents keep). */
  readonly productCache?: ProductCache;
}

/** What one NetworkPolicy or workload object yields; it depends only on the object and the default namespace. */
type ObjectProduct =
  | { readonly namespace: string; readonly policy: NetworkPolicy; readonly findings: readonly Finding[] }
  | {
      readonly namespace: string;
      readonly workloads: readonly Workload[];
      /** Metadata findings of an object with pods; with an error, its pods take no part. */
      readonly findings: readonly Finding[];
    };

export type ProductCache = WeakMap<object, ObjectProduct>;

export interface Workspace {
  readonly files: readonly LoadedFile[];
  readonly objects: readonly KubeObject[];
  readonly model: ClusterModel;
  /** Input and API-validity findings, in file order. */
  readonly findings: readonly Finding[];
  /** The object each policy of the model was read from (for spans of its fields, and edits). */
  readonly policyObjects: ReadonlyMap<NetworkPolicy, KubeObject>;
  /** The object each workload of the model was read from. */
  readonly workloadObjects: ReadonlyMap<Workload, KubeObject>;
  /** The Namespace objects, by namespace name. */
  readonly namespaceObjects: ReadonlyMap<string, KubeObject>;
  /**
   * Per namespace, the objects of other API groups whose controllers may create pods the workspace does
   * not show (a custom resource of an operator). Rules that conclude from the absence of pods say so.
   */
  readonly opaquePodSources: ReadonlyMap<string, readonly KubeObject[]>;
  /** Policies of other APIs (Cilium, Calico, AdminNetworkPolicy, ...), which are not analysed yet. */
  readonly foreignPolicies: readonly ForeignPolicy[];
  /** What the workspace's kustomizations do to its files (placements per file). */
  readonly kustomize: KustomizeView;
  /** Services with a selector: how their ports map to the pods' ports. */
  readonly services: readonly Service[];
}

/**
 * An object marked for deletion by the OpenShift cluster-version operator
 * (`release.openshift.io/delete: "true"`, a "tombstone" the release removes from the cluster): it does
 * not exist once the release is applied, so no pods are read from it.
 */
export function isTombstone(object: KubeObject): boolean {
  const value = stringValue(
    get(get(get(object.node, 'metadata'), 'annotations'), 'release.openshift.io/delete'),
  );
  return value === 'true';
}

/** Kinds of other API groups that hold no pods: configuration read by controllers that run elsewhere. */
const podlessKinds: ReadonlySet<string> = new Set([
  'CustomResourceDefinition',
  'ServiceMonitor',
  'PodMonitor',
  'PrometheusRule',
  'Probe',
  'Certificate',
  'Issuer',
  'CertificateRequest',
  'VirtualService',
  'DestinationRule',
  'Gateway',
  'HTTPRoute',
  'GRPCRoute',
  'TCPRoute',
  'TLSRoute',
  'ServiceEntry',
  'PeerAuthentication',
  'AuthorizationPolicy',
  'Sidecar',
  'EnvoyFilter',
  'RequestAuthentication',
  'Telemetry',
  'Ingress',
  'IngressRoute',
  'Middleware',
  'SecurityContextConstraints',
  'OperatorGroup',
  'Subscription',
  'CatalogSource',
  'InstallPlan',
  'Route',
  'ConsolePlugin',
  'ImageStream',
  'SealedSecret',
  'ExternalSecret',
  'SecretStore',
  'ClusterSecretStore',
  'Kustomization',
  'HelmRepository',
  'GitRepository',
  'OCIRepository',
  'Bucket',
  'ImageRepository',
  'ImagePolicy',
  'ImageUpdateAutomation',
  'Alert',
  'Provider',
  'Receiver',
  'Application',
  'AppProject',
  'VerticalPodAutoscaler',
  'ScaledObject',
  'PodDisruptionBudget',
]);

/** Loads and analyses files. */
export function buildWorkspace(sources: readonly SourceFile[], options: BuildOptions = {}): Workspace {
  const limits = options.limits ?? defaultLoadLimits;
  return buildWorkspaceFromLoaded(
    sources.map((s) => loadManifests(s, limits)),
    options,
  );
}

export function buildWorkspaceFromLoaded(
  files: readonly LoadedFile[],
  options: BuildOptions = {},
): Workspace {
  const defaultNamespace = options.defaultNamespace ?? 'default';
  const cache = options.productCache;
  const findings: Finding[] = [];
  const objects: KubeObject[] = [];
  // kustomize: the objects of a listed file exist once per overlay, in the namespace it gives them.
  const kustomize = kustomizeView(files);
  const placementOf = new Map<KubeObject, Placement>();
  for (const loaded of files) {
    for (const problem of loaded.problems) {
      findings.push({
        rule: problem.code,
        severity: problem.severity,
        message: problem.message,
        file: loaded.file,
        span: problem.span,
      });
    }
    const placements = kustomize.placementsOf(loaded.file.path);
    for (const document of loaded.documents) {
      try {
        for (const object of objectsOfDocument(loaded.file, document)) {
          if (placements.length === 0) objects.push(object);
          else for (const placement of placements) objects.push(placed(object, placement, placementOf));
        }
      } catch (error) {
        findings.push(failure(loaded.file, document.span, 'this document', error));
      }
    }
  }

  const declared = new Map<string, NamespaceInfo>();
  const namespaceObjects = new Map<string, KubeObject>();
  const workloadObjects = new Map<Workload, KubeObject>();
  const workloads: Workload[] = [];
  const policyEntries: Array<{ policy: NetworkPolicy; object: KubeObject }> = [];
  const owned = new Set<string>();
  const opaquePodSources = new Map<string, KubeObject[]>();
  const foreignPolicies: ForeignPolicy[] = [];
  const services: Service[] = [];
  const apiObjects: Array<{ object: KubeObject; namespace: string }> = [];
  const serviceAccounts = new Map<string, Record<string, string>>();

  for (const object of objects) {
    const namespace = object.namespace ?? defaultNamespace;
    if (object.kind === 'Namespace' && object.name !== undefined) {
      const placement = placementOf.get(object);
      const labels = {
        ...stringMap(get(get(object.node, 'metadata'), 'labels')),
        ...(placement ? metadataLabels(placement) : {}),
        [METADATA_NAME_LABEL]: object.name,
      };
      declared.set(object.name, {
        name: object.name,
        labels,
        origin: { file: object.file, span: objectAnchor(object) },
      });
      namespaceObjects.set(object.name, object);
      continue;
    }
    if (object.kind === 'ServiceAccount' && object.name !== undefined) {
      serviceAccounts.set(
        `${namespace}/${object.name}`,
        stringMap(get(get(object.node, 'metadata'), 'labels')),
      );
      continue;
    }
    if (object.kind === 'Service') {
      const service = buildService(object, namespace);
      const placement = placementOf.get(object);
      // kustomize adds its selector labels to a Service's `spec.selector` (created when absent).
      if (service)
        services.push(
          placement
            ? { ...service, selector: { ...service.selector, ...selectorLabels(placement) } }
            : service,
        );
      continue;
    }
    if (modelledPolicyFamily(object)) {
      apiObjects.push({ object, namespace });
      continue;
    }
    const foreign = foreignPolicyOf(object, namespace);
    if (foreign) {
      foreignPolicies.push(foreign);
      continue;
    }
    // A NetworkPolicy kind of a third-party API group (Calico's projectcalico.org/v3, ...) is another
    // resource with other semantics; it is not analysed.
    if (
      object.kind === 'NetworkPolicy' &&
      object.apiVersion !== undefined &&
      !isBuiltInGroupVersion(object.apiVersion)
    ) {
      continue;
    }
    if (object.kind === 'NetworkPolicy') {
      let product = cache?.get(object.node);
      if (!product || product.namespace !== namespace || !('policy' in product)) {
        try {
          const validity = validateNetworkPolicy(object);
          const rejected = validity.some((f) => f.severity === 'error');
          product = { namespace, policy: buildPolicy(object, namespace, rejected), findings: validity };
        } catch (error) {
          // Contained: this policy is left out and says why; every other object is analysed.
          findings.push(failure(object.file, objectAnchor(object), 'this NetworkPolicy', error));
          continue;
        }
        cache?.set(object.node, product);
      }
      findings.push(...product.findings);
      const placement = placementOf.get(object);
      const policy = placement ? withSelectorLabels(product.policy, object, placement) : product.policy;
      policyEntries.push({ policy, object });
      continue;
    }
    // A tombstoned object's pods do not run (its policies are still read: the file is what is reviewed).
    if (isTombstone(object)) continue;
    let product = cache?.get(object.node);
    if (!product || product.namespace !== namespace || !('workloads' in product)) {
      try {
        const built = buildWorkloads(object, namespace);
        const validity = built.length > 0 ? validateObjectMetadata(object) : [];
        // Where the object cannot be placed (its name or namespace has the wrong type: a YAML 1.1
        // `namespace: y` is a boolean), its pods take no part, as a rejected policy does. Other refusals
        // (an invalid namespace name, an owner reference without kind) are reported and the pods are read
        // as written (an owner reference without kind is not followed).
        const refused = validity.some(
          (f) =>
            f.severity === 'error' &&
            f.rule === 'api-invalid-type' &&
            !String(f.data?.path ?? '').startsWith('metadata.ownerReferences'),
        );
        product = { namespace, workloads: refused ? [] : built, findings: validity };
      } catch (error) {
        findings.push(failure(object.file, objectAnchor(object), `this ${object.kind ?? 'object'}`, error));
        continue;
      }
      cache?.set(object.node, product);
    }
    findings.push(...product.findings);
    if (product.workloads.length === 0) {
      if (product.findings.length > 0) continue;
      if (
        object.apiVersion !== undefined &&
        !isBuiltInGroupVersion(object.apiVersion) &&
        object.kind !== undefined &&
        // Namespaced: cluster-scoped resources are written without a namespace.
        object.namespace !== undefined &&
        !podlessKinds.has(object.kind)
      ) {
        const list = opaquePodSources.get(namespace);
        if (list) list.push(object);
        else opaquePodSources.set(namespace, [object]);
      }
      continue;
    }
    const placement = placementOf.get(object);
    for (const built of product.workloads) {
      const workload = placement ? withTemplateLabels(built, placement) : built;
      workloads.push(workload);
      workloadObjects.set(workload, object);
      if (workload.owner) owned.add(`${namespace}/${workload.owner.kind}/${workload.owner.name}`);
      // A Deployment's pods are owned by its ReplicaSet, named `<deployment>-<pod-template-hash>`
      // ("the name of the ReplicaSet is always formatted as [DEPLOYMENT-NAME]-[HASH]", and the pods carry
      // the `pod-template-hash` label: https://kubernetes.io/docs/concepts/workloads/controllers/deployment/).
      // The Deployment is represented by those pods even when the dump leaves the ReplicaSet out.
      const hash = workload.labels['pod-template-hash'];
      if (
        workload.kind === 'Pod' &&
        workload.owner?.kind === 'ReplicaSet' &&
        hash &&
        workload.owner.name.endsWith(`-${hash}`)
      ) {
        owned.add(`${namespace}/Deployment/${workload.owner.name.slice(0, -hash.length - 1)}`);
      }
    }
  }

  // ReplicaSets owned by a Deployment, Jobs owned by a CronJob: mark their owners represented too.
  const representedWorkloads = workloads.filter(
    (w) => w.kind === 'Pod' || !owned.has(`${w.namespace}/${w.kind}/${w.name}`),
  );

  // Duplicate policy names: a namespace holds one object per name. The API server does not reject a second
  // definition: applying the later document replaces the earlier object, so the last definition is in
  // effect, unless it is itself invalid: then the server rejects that apply and the earlier one stays.
  const byName = new Map<string, Array<{ policy: NetworkPolicy; object: KubeObject }>>();
  for (const entry of policyEntries) {
    const key = qualifiedName(entry.policy);
    byName.set(key, [...(byName.get(key) ?? []), entry]);
  }
  const effectivePolicies: NetworkPolicy[] = [];
  const policyObjects = new Map<NetworkPolicy, KubeObject>();
  for (const entry of policyEntries) {
    const key = qualifiedName(entry.policy);
    const same = byName.get(key)!;
    const valid = same.filter((e) => !e.policy.rejected);
    const winner = (valid[valid.length - 1] ?? same[same.length - 1]!).object;
    // Without metadata.name the server generates a unique name ("GenerateName is an optional prefix, used
    // by the server, to generate a unique name ONLY IF the Name field has not been provided",
    // https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/object-meta/): never a duplicate.
    if (entry.object === winner || entry.object.name === undefined) {
      effectivePolicies.push(entry.policy);
      policyObjects.set(entry.policy, entry.object);
      continue;
    }
    const superseded: NetworkPolicy = { ...entry.policy, rejected: true };
    effectivePolicies.push(superseded);
    policyObjects.set(superseded, entry.object);
    const where = winner.file.where(objectAnchor(winner).start);
    const later = same.indexOf(entry) > same.findIndex((e) => e.object === winner);
    const identical = !later && sameSpec(entry.object, winner);
    findings.push({
      rule: 'api-duplicate-policy',
      severity: identical ? 'info' : 'warning',
      message: identical
        ? `NetworkPolicy ${key} is defined again, identically, at ${where}; applying both leaves one object with this spec.`
        : later
          ? `NetworkPolicy ${key} is defined more than once, and this later definition is invalid: the API server rejects it, so the definition at ${where} stays in effect and is the one analysed.`
          : `NetworkPolicy ${key} is defined more than once; the API server accepts both, and applying the later definition at ${where} replaces this one, so that one is in effect and is the one analysed.`,
      file: entry.object.file,
      span: objectAnchor(entry.object),
      related: [{ file: winner.file, span: objectAnchor(winner), message: 'the definition in effect' }],
    });
  }

  // Policies of the other modelled APIs (policy-apis/), each object contained on its own.
  let apiPolicies: CommonPolicy[] = [];
  for (const entry of apiObjects) {
    try {
      const read = readPolicyApiObjects([
        entry,
        ...(entry.object.kind === 'Tier' ? [] : tiersOf(apiObjects)),
      ]);
      findings.push(...read.findings.filter((f) => f.file === entry.object.file && within(f, entry.object)));
      apiPolicies.push(...read.policies);
    } catch (error) {
      findings.push(
        failure(
          entry.object.file,
          objectAnchor(entry.object),
          `this ${entry.object.kind ?? 'policy'}`,
          error,
        ),
      );
    }
  }

  apiPolicies = requireDnsProxy(apiPolicies);

  const namespaces = new Map<string, NamespaceInfo>(declared);
  const reference = (name: string) => {
    if (!namespaces.has(name))
      namespaces.set(name, { name, labels: { [METADATA_NAME_LABEL]: name }, origin: undefined });
  };
  for (const w of representedWorkloads) reference(w.namespace);
  for (const p of effectivePolicies) reference(p.namespace);
  for (const p of apiPolicies) if (p.namespace !== undefined) reference(p.namespace);

  return {
    files,
    objects,
    model: {
      namespaces,
      workloads: representedWorkloads,
      policies: effectivePolicies,
      apiPolicies,
      serviceAccounts,
    },
    findings,
    policyObjects,
    workloadObjects,
    namespaceObjects,
    opaquePodSources,
    foreignPolicies,
    kustomize,
    services,
  };
}

/** The finding for a part of a file whose analysis failed (a bug): what was left out, and why. */
export function failure(file: SourceFile, span: Span, what: string, error: unknown): Finding {
  return {
    rule: 'analysis-failed',
    severity: 'error',
    message: `netpol-scope failed to analyse ${what} (${describeError(error)}); it was left out of the analysis. Please report this with the manifest.`,
    file,
    span,
  };
}

/** Two objects with the same `spec` (compared as data, not as text). */
function sameSpec(a: KubeObject, b: KubeObject): boolean {
  const spec = (o: KubeObject) => {
    const node = get(o.node, 'spec');
    return node === undefined ? 'undefined' : JSON.stringify(toPlain(node));
  };
  return spec(a) === spec(b);
}

/** The Calico Tier objects among the modelled policy objects (a policy's tier order comes from them). */
function tiersOf(
  entries: ReadonlyArray<{ object: KubeObject; namespace: string }>,
): Array<{ object: KubeObject; namespace: string }> {
  return entries.filter((e) => e.object.kind === 'Tier');
}

/** True when the finding lies inside the object's text. */
function within(finding: Finding, object: KubeObject): boolean {
  return finding.span.start >= object.node.span.start && finding.span.end <= object.node.span.end;
}
