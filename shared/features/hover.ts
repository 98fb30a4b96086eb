/**
 * Hovers: (context, file, offset) in, markdown and the hovered span out. Pure: no I/O, no editor types.
 *
 * The cursor is located in the Kubernetes object under it (features/at.ts) and dispatched by field path:
 * - NetworkPolicy `metadata.name`: a summary of the policy (hovers/policy-summary.ts);
 * - `spec.podSelector`: the pods it selects (hovers/pod-selector.ts);
 * - `spec.policyTypes`, or the `spec` key when policyTypes is omitted (hovers/policy-types.ts);
 * - a peer of `from`/`to` (its `- `, its keys, its podSelector): the peer (hovers/peer.ts);
 *   its `namespaceSelector` (hovers/namespace-selector.ts); its `ipBlock` (hovers/ip-block.ts);
 * - a rule's `ports` or one port entry (hovers/ports.ts);
 * - a workload's `metadata.name` (hovers/workload.ts);
 * - the name, subject, rules and peers of a ClusterNetworkPolicy, AdminNetworkPolicy, Cilium or Calico
 *   policy (hovers/api-policy.ts).
 * With observed flows loaded, the podSelector, peer and workload hovers add the observed traffic of the
 * workloads they are about (hovers/observed.ts).
 * Markdown escapes every string read from a manifest (features/markdown.ts).
 */
import { assertionHover } from './hovers/assertion.js';
import type { AnalysisContext } from '../context.js';
import type { Direction, NetworkPolicy, Workload } from '../model/types.js';
import { isSeq, stringValue } from '../parse/snode.js';
import type { SourceFile, Span } from '../source/source-file.js';
import { nodeAt, peerOf, policyOf, portOf, ruleOf, stepSpan, targetAt, workloadOf } from './at.js';
import type { Target } from './at.js';
import { ipBlockHover } from './hovers/ip-block.js';
import { namespaceSelectorHover } from './hovers/namespace-selector.js';
import { peerHover } from './hovers/peer.js';
import { podSelectorHover } from './hovers/pod-selector.js';
import { policySummaryHover } from './hovers/policy-summary.js';
import { policyTypesHover } from './hovers/policy-types.js';
import { portsHover } from './hovers/ports.js';
import type { PortEntry } from './hovers/ports.js';
import { workloadHover } from './hovers/workload.js';
import { apiPolicyHover } from './hovers/api-policy.js';
import { observedSection } from './hovers/observed.js';
import type { ObservedScope } from './hovers/observed.js';
import { peerWorkloads, selectedWorkloads } from './describe.js';
import { blocks } from './markdown.js';

export interface Hover {
  readonly markdown: string;
  /** The node the hover is about (a pair's key and value, or a list item). */
  readonly span: Span;
}

export function hoverAt(ctx: AnalysisContext, file: SourceFile, offset: number): Hover | undefined {
  // An assertions file: the verdict of the assertion under the cursor.
  const assertion = assertionHover(ctx, file, offset);
  if (assertion) return assertion;
  // Policies of the other APIs (the model's common rules know their spans).
  const api = apiPolicyHover(ctx, file, offset);
  if (api) return api;
  const target = targetAt(ctx, file, offset);
  if (!target) return undefined;
  const { steps } = target;
  const isName = steps.length === 2 && steps[0] === 'metadata' && steps[1] === 'name';
  if (target.object.kind === 'NetworkPolicy') {
    const policy = policyOf(ctx, target.object);
    if (!policy) return undefined;
    if (isName) return { markdown: policySummaryHover(ctx, policy), span: nodeAt(target, 2).span };
    return policyHover(ctx, target, policy);
  }
  if (isName && target.object.kind !== 'Namespace') {
    const workload = workloadOf(ctx, target.object);
    if (!workload) return undefined;
    const members = membersOf(ctx, workload);
    return {
      markdown: withObserved(ctx, workloadHover(ctx, workload, members), {
        workloads: members,
        direction: 'both',
      }),
      span: nodeAt(target, 2).span,
    };
  }
  return undefined;
}

function policyHover(ctx: AnalysisContext, target: Target, policy: NetworkPolicy): Hover | undefined {
  const { steps } = target;
  if (steps[0] !== 'spec') return undefined;
  if (steps.length === 1) {
    // The `spec` key: the effective policyTypes when the field is omitted.
    if (target.location.onKey && !policy.policyTypesExplicit) {
      return { markdown: policyTypesHover(policy), span: target.location.path[1]!.pair!.key.span };
    }
    return undefined;
  }
  if (steps[1] === 'podSelector')
    return {
      markdown: withObserved(ctx, podSelectorHover(ctx, policy), {
        workloads: selectedWorkloads(policy, ctx.workspace.model.workloads),
        direction:
          policy.affectsIngress && policy.affectsEgress
            ? 'both'
            : policy.affectsIngress
              ? 'ingress'
              : 'egress',
      }),
      span: stepSpan(target, 2),
    };
  if (steps[1] === 'policyTypes') {
    const list = nodeAt(target, 2);
    const declared = isSeq(list) ? list.items.map((item) => stringValue(item) ?? '') : [];
    return { markdown: policyTypesHover(policy, declared), span: stepSpan(target, 2) };
  }
  if ((steps[1] !== 'ingress' && steps[1] !== 'egress') || typeof steps[2] !== 'number') return undefined;
  const direction: Direction = steps[1];
  const rule = ruleOf(policy, direction, steps[2]);
  if (!rule) return undefined;
  const peersKey = direction === 'ingress' ? 'from' : 'to';

  if (steps[3] === 'ports') {
    const list = nodeAt(target, 4);
    if (typeof steps[4] === 'number') {
      const node = nodeAt(target, 5);
      const entry: PortEntry = { node, port: portOf(rule, node) };
      return { markdown: portsHover(ctx, policy, rule, [entry], false), span: stepSpan(target, 5) };
    }
    const entries = isSeq(list) ? list.items.map((node) => ({ node, port: portOf(rule, node) })) : [];
    return { markdown: portsHover(ctx, policy, rule, entries, true), span: stepSpan(target, 4) };
  }

  if (steps[3] !== peersKey || typeof steps[4] !== 'number') return undefined;
  const list = nodeAt(target, 4);
  const item = nodeAt(target, 5);
  const count = isSeq(list) ? list.items.length : 1;
  const peer = peerOf(rule, item);
  const position = `peer ${steps[4] + 1} of ${count}`;
  if (peer?.kind === 'ipBlock') {
    const onBlock = steps[5] === 'ipBlock';
    return { markdown: ipBlockHover(ctx, policy, rule, peer), span: stepSpan(target, onBlock ? 6 : 5) };
  }
  if (steps[5] === 'namespaceSelector' && peer?.namespaceSelector) {
    return { markdown: namespaceSelectorHover(ctx, policy, rule, peer, position), span: stepSpan(target, 6) };
  }
  const markdown = peerHover(ctx, policy, rule, peer, steps[4], count);
  return {
    markdown: peer
      ? withObserved(ctx, markdown, {
          workloads: selectedWorkloads(policy, ctx.workspace.model.workloads),
          direction,
          peers: peerWorkloads(peer, policy, ctx.workspace.model.workloads, ctx.workspace.model.namespaces),
        })
      : markdown,
    span: stepSpan(target, 5),
  };
}

/** A hover's markdown with the observed traffic of its workloads, when flows are loaded. */
function withObserved(ctx: AnalysisContext, markdown: string, scope: ObservedScope): string {
  const observed = observedSection(ctx, scope);
  return observed ? blocks(markdown, observed) : markdown;
}

/**
 * The model workloads that stand for a workload object: itself, or, for a controller whose pods are in
 * the workspace (a cluster dump), those pods (model/build-cluster.ts drops such controllers).
 */
function membersOf(ctx: AnalysisContext, workload: Workload): Workload[] {
  const workloads = ctx.workspace.model.workloads;
  if (workloads.includes(workload)) return [workload];
  return workloads.filter((w) => {
    if (w.namespace !== workload.namespace || !w.owner) return false;
    if (w.owner.kind === workload.kind && w.owner.name === workload.name) return true;
    // Deployment -> ReplicaSet `<deployment>-<pod-template-hash>` -> Pod.
    const hash = w.labels['pod-template-hash'];
    return (
      workload.kind === 'Deployment' &&
      w.owner.kind === 'ReplicaSet' &&
      hash !== undefined &&
      w.owner.name === `${workload.name}-${hash}`
    );
  });
}
