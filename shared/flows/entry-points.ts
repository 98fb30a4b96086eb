/**
 * The workloads the workspace exposes outside the cluster: those a NodePort or LoadBalancer Service selects
 * (https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types), and
 * those of the Services that an Ingress (`spec.defaultBackend.service.name`,
 * `spec.rules[].http.paths[].backend.service.name`), an OpenShift Route (`spec.to.name`,
 * `spec.alternateBackends[].name`) or a Gateway API HTTPRoute/GRPCRoute/TLSRoute/TCPRoute/UDPRoute
 * (`spec.rules[].backendRefs[]`, Service by default, `namespace` optional) sends traffic to. An observed
 * flow from outside the cluster to any other workload is flagged (verify.ts): nothing in the repository
 * says it should be reachable from there.
 */
import type { Workspace } from '../model/build-cluster.js';
import type { Workload } from '../model/types.js';
import { get, isSeq, stringValue } from '../parse/snode.js';
import type { SNode } from '../parse/snode.js';

const routeKinds: ReadonlySet<string> = new Set([
  'HTTPRoute',
  'GRPCRoute',
  'TLSRoute',
  'TCPRoute',
  'UDPRoute',
]);

function items(node: SNode | undefined): readonly SNode[] {
  return isSeq(node) ? node.items : [];
}

/** `namespace/name` of the Services the workspace's Ingresses, Routes and Gateway API routes send to. */
function routedServices(workspace: Workspace, defaultNamespace: string): Set<string> {
  const out = new Set<string>();
  for (const object of workspace.objects) {
    const namespace = object.namespace ?? defaultNamespace;
    const spec = get(object.node, 'spec');
    const add = (name: string | undefined, ns = namespace) => {
      if (name) out.add(`${ns}/${name}`);
    };
    if (object.kind === 'Ingress') {
      add(stringValue(get(get(get(spec, 'defaultBackend'), 'service'), 'name')));
      for (const rule of items(get(spec, 'rules')))
        for (const path of items(get(get(rule, 'http'), 'paths')))
          add(stringValue(get(get(get(path, 'backend'), 'service'), 'name')));
    } else if (object.kind === 'Route') {
      add(stringValue(get(get(spec, 'to'), 'name')));
      for (const backend of items(get(spec, 'alternateBackends'))) add(stringValue(get(backend, 'name')));
    } else if (routeKinds.has(object.kind ?? '')) {
      for (const rule of items(get(spec, 'rules')))
        for (const ref of items(get(rule, 'backendRefs'))) {
          const kind = stringValue(get(ref, 'kind')) ?? 'Service';
          if (kind === 'Service')
            add(stringValue(get(ref, 'name')), stringValue(get(ref, 'namespace')) ?? namespace);
        }
    }
  }
  return out;
}

export function entryPoints(workspace: Workspace, defaultNamespace: string): ReadonlySet<Workload> {
  const routed = routedServices(workspace, defaultNamespace);
  const out = new Set<Workload>();
  for (const service of workspace.services) {
    const exposed =
      service.type === 'NodePort' ||
      service.type === 'LoadBalancer' ||
      routed.has(`${service.namespace}/${service.name}`);
    if (!exposed) continue;
    for (const w of workspace.model.workloads)
      if (
        w.namespace === service.namespace &&
        Object.entries(service.selector).every(([k, v]) => w.labels[k] === v)
      )
        out.add(w);
  }
  return out;
}
