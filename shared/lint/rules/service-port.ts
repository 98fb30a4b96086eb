/**
 * service-port-not-pod-port: an ingress rule allows a numeric port that is the `port` of a Service
 * selecting the policy's pods, while the Service sends that traffic to another `targetPort` and no
 * container of those pods declares the numeric port.
 *
 * NetworkPolicy applies to the traffic the pods receive, after the Service has translated its `port` to
 * the `targetPort` (ServiceSpec.ports.targetPort, https://kubernetes.io/docs/reference/kubernetes-api/service-resources/service-v1/#ServiceSpec):
 * the rule must name the pod's port. The kubebuilder scaffold ships exactly this mistake: the webhook
 * Service listens on 443 and forwards to 9443, and the generated policy allows 443.
 */
import type { Finding } from '../../findings.js';
import type { Workload } from '../../model/types.js';
import type { Service } from '../../model/build-service.js';
import { qualifiedName } from '../../model/types.js';
import { get } from '../../parse/snode.js';
import { rulesOf } from '../../reach/engine.js';
import type { LintRule } from '../rule.js';
import { finding, lintIndex, nodeOf, ruleName } from './support.js';
import { groupBy } from '../../collections.js';

export const servicePortRule: LintRule = {
  ids: ['service-port-not-pod-port'],
  check(ctx) {
    const services = ctx.workspace.services;
    if (services.length === 0) return [];
    const index = lintIndex(ctx);
    const servicesByNamespace = groupBy(services, (s) => s.namespace);
    const out: Finding[] = [];
    for (const policy of index.policies) {
      // Only ingress rules with a single numeric port can name a Service's port.
      const rules = rulesOf(policy, 'ingress').filter(
        (r) => r.ports !== 'all' && r.ports.some((p) => typeof p.port === 'number'),
      );
      const inNamespace = servicesByNamespace.get(policy.namespace);
      if (rules.length === 0 || !inNamespace) continue;
      const selected = index.selectedBy(policy);
      if (selected.length === 0) continue;
      const fronting = inNamespace.filter((s) => selected.some((w) => fronts(s, w)));
      if (fronting.length === 0) continue;
      for (const rule of rules) {
        if (rule.ports === 'all') continue;
        for (const port of rule.ports) {
          if (typeof port.port !== 'number' || (port.endPort !== undefined && port.endPort !== port.port))
            continue;
          const number = port.port;
          const declared = (w: Workload) =>
            w.ports.some((p) => p.port === number && p.protocol === port.protocol);
          if (selected.some(declared)) continue;
          for (const service of fronting) {
            const mapping = service.ports.find(
              (p) => p.port === number && p.protocol === port.protocol && p.targetPort !== number,
            );
            if (!mapping) continue;
            const pods = selected.filter((w) => fronts(service, w));
            const target =
              typeof mapping.targetPort === 'number'
                ? mapping.targetPort
                : pods.flatMap((w) => w.ports).find((p) => p.name === mapping.targetPort)?.port;
            const where = service.anchor.file.where(service.anchor.span.start);
            const value = get(nodeOf(ctx, policy, port.origin), 'port');
            out.push(
              finding(
                'service-port-not-pod-port',
                { file: port.origin.file, span: value?.span ?? port.origin.span },
                `${ruleName(rule)} of ${qualifiedName(policy)} allows ${port.protocol} ${number}, the port of Service ` +
                  `${qualifiedName(service)} (${where}), which forwards it to targetPort ${mapping.targetPort}` +
                  `${typeof mapping.targetPort === 'string' && target !== undefined ? ` (${target})` : ''}; no container of the selected pods ` +
                  `declares ${number}. NetworkPolicy sees the pod's port, after the Service's translation, so this rule does not admit ` +
                  `the Service's traffic. Allow ${target ?? mapping.targetPort} instead.`,
                target !== undefined ? { port: number, targetPort: target } : { port: number },
              ),
            );
            break;
          }
        }
      }
    }
    return out;
  },
};

/** A Service's selector (a plain label map) selects the workload's pods. */
function fronts(service: Service, w: Workload): boolean {
  return Object.entries(service.selector).every(([k, v]) => w.labels[k] === v);
}
