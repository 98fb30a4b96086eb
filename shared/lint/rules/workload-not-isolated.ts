/**
 * workload-not-isolated: a workload that no policy selects for ingress and/or egress.
 *
 * "By default, a pod is non-isolated for egress; all outbound connections are allowed" and likewise for
 * ingress; a pod becomes isolated for a direction only when a NetworkPolicy with that type selects it
 * (https://kubernetes.io/docs/concepts/services-networking/network-policies/#the-two-sorts-of-pod-isolation).
 * Reported only when the workspace has at least one NetworkPolicy (otherwise every workload would be).
 * Host-network pods are left out: policies do not select them (policy-semantics.ts).
 */
import type { Finding } from '../../findings.js';
import type { LintRule } from '../rule.js';
import { finding, lintIndex, workloadRef } from './support.js';

export const workloadNotIsolatedRule: LintRule = {
  ids: ['workload-not-isolated'],
  check(ctx) {
    if (ctx.workspace.model.policies.length === 0) return [];
    const index = lintIndex(ctx);
    const out: Finding[] = [];
    for (const workload of index.workloads) {
      if (workload.hostNetwork) continue;
      const selecting = index.selecting(workload);
      const directions: Array<'Ingress' | 'Egress'> = [];
      if (!selecting.some((p) => p.affectsIngress)) directions.push('Ingress');
      if (!selecting.some((p) => p.affectsEgress)) directions.push('Egress');
      if (directions.length === 0) continue;
      const what =
        directions.length === 2
          ? 'for ingress or egress, so every connection to and from it is allowed'
          : directions[0] === 'Ingress'
            ? 'for ingress, so every pod and address may connect to it'
            : 'for egress, so it may connect to every pod and address';
      out.push(
        finding(
          'workload-not-isolated',
          workload.anchor,
          `No NetworkPolicy selects ${workloadRef(workload)} ${what}.`,
          {
            directions,
          },
        ),
      );
    }
    return out;
  },
};
