/**
 * What is under a cursor, in model terms: the Kubernetes object whose node holds the offset, the path
 * of YAML nodes to it (parse/locate.ts), and the model policy, rule, peer or port that node was read
 * from. Hovers dispatch on this.
 */
import type { AnalysisContext } from '../context.js';
import type { KubeObject } from '../parse/kube-objects.js';
import { locate } from '../parse/locate.js';
import type { Location, PathStep } from '../parse/locate.js';
import type { SNode } from '../parse/snode.js';
import type { SourceFile, Span } from '../source/source-file.js';
import type {
  Direction,
  NetworkPolicy,
  PolicyPeer,
  PolicyPort,
  PolicyRule,
  Workload,
} from '../model/types.js';

export interface Target {
  readonly object: KubeObject;
  readonly location: Location;
  /** Keys and list indexes from the object's root to the deepest node (no step for the root). */
  readonly steps: ReadonlyArray<string | number>;
}

/** The object of `file` holding `offset` (the innermost one, for List items) and the path to the node there. */
export function targetAt(ctx: AnalysisContext, file: SourceFile, offset: number): Target | undefined {
  let best: KubeObject | undefined;
  for (const object of ctx.workspace.objects) {
    // The same file, as analysed: offsets into another version of the text would point elsewhere.
    if (object.file !== file && (object.file.path !== file.path || object.file.text !== file.text)) continue;
    const span = object.node.span;
    if (offset < span.start || offset > span.end) continue;
    if (!best || span.end - span.start < best.node.span.end - best.node.span.start) best = object;
  }
  if (!best) return undefined;
  const location = locate(best.node, offset);
  if (!location) return undefined;
  const path = withItemOnDash(location.path, best.file.text, offset);
  const normal = { path, onKey: path === location.path ? location.onKey : false };
  return { object: best, location: normal, steps: stepsOf(normal) };
}

function stepsOf(location: Location): Array<string | number> {
  return location.path.slice(1).map((s) => (s.key !== undefined ? s.key : s.index!));
}

/**
 * A cursor on the `- ` of a block list item lies in the list but before the item's node: treat it as
 * on the item, so hovering the dash of a peer describes the peer.
 */
function withItemOnDash(path: readonly PathStep[], text: string, offset: number): readonly PathStep[] {
  const last = path[path.length - 1]!.node;
  if (last.kind !== 'seq') return path;
  const index = last.items.findIndex(
    (item) =>
      item.span.start >= offset &&
      /^[-\s]*$/.test(text.slice(offset, item.span.start)) &&
      !text.slice(offset, item.span.start).includes('\n'),
  );
  if (index < 0) return path;
  return [...path, { node: last.items[index]!, key: undefined, index, pair: undefined }];
}

/** The node at a prefix of the target's path: `nodeAt(t, 2)` is the node reached by the first two steps. */
export function nodeAt(target: Target, depth: number): SNode {
  return target.location.path[depth]!.node;
}

/** The model policy read from an object. */
export function policyOf(ctx: AnalysisContext, object: KubeObject): NetworkPolicy | undefined {
  for (const [policy, o] of ctx.workspace.policyObjects) if (o === object) return policy;
  return undefined;
}

/** The model workload read from an object. */
export function workloadOf(ctx: AnalysisContext, object: KubeObject): Workload | undefined {
  for (const [workload, o] of ctx.workspace.workloadObjects) if (o === object) return workload;
  return undefined;
}

/** The rule at `spec.<direction>[index]`. */
export function ruleOf(policy: NetworkPolicy, direction: Direction, index: number): PolicyRule | undefined {
  return (direction === 'ingress' ? policy.ingress : policy.egress).find((r) => r.index === index);
}

/** The model peer read from a peer item node (peers that do not build, such as `{}`, have none). */
export function peerOf(rule: PolicyRule, node: SNode): PolicyPeer | undefined {
  if (rule.peers === 'all') return undefined;
  return rule.peers.find(
    (p) => p.origin.span.start === node.span.start && p.origin.span.end === node.span.end,
  );
}

/** The model port read from a port item node. */
export function portOf(rule: PolicyRule, node: SNode): PolicyPort | undefined {
  if (rule.ports === 'all') return undefined;
  return rule.ports.find(
    (p) => p.origin.span.start === node.span.start && p.origin.span.end === node.span.end,
  );
}

/** The span of a pair (key and value) at a depth of the target's path, or of the node for list items. */
export function stepSpan(target: Target, depth: number): Span {
  const step = target.location.path[depth]!;
  return step.pair
    ? { start: step.pair.key.span.start, end: Math.max(step.pair.key.span.end, step.node.span.end) }
    : step.node.span;
}
