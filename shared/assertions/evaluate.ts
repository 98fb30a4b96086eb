/**
 * Checks assertions (parse.ts) against a workspace with the one engine, on the workload-level graph
 * with exposure stand-ins (reach/exposure.ts), so that "from anything outside namespace payments" also
 * covers pods beyond the workspace that a `namespaceSelector: {}` admits, and address blocks.
 *
 * - `expect: allow`: every selected pair allows every listed port (without `ports`: some port).
 * - `expect: deny`: no selected pair allows a listed port (without `ports`: any port) other than those
 *   in `except`.
 * A pair is a source endpoint and a destination endpoint of two different graph nodes (traffic among the
 * pods of one workload is not judged), never two endpoints outside the workspace. Endpoints are the pod
 * classes of the selected workloads (pod labels are matched per workload, not per class: a class may
 * join pods that differ in a label no policy reads) and the address blocks that share an address with
 * a selected range (every address of a block is treated alike by every policy). A side that selects
 * nothing fails: an assertion about nobody proves nothing.
 */
import type { AnalysisContext } from '../context.js';
import type { ClusterModel, Origin } from '../model/types.js';
import { qualifiedName } from '../model/types.js';
import { commonPolicyName } from '../model/rule-model.js';
import { explainConnection } from '../explain/explain.js';
import type { GraphLayout, GraphNode } from '../reach/graph.js';
import { graphLayout, outsideWorkspace } from '../reach/graph.js';
import type { Endpoint, SideVerdict } from '../reach/engine.js';
import { endpointKey } from '../reach/engine.js';
import type { PodClass } from '../reach/classes.js';
import { selectorMatches } from '../semantics/selector.js';
import { PortSet } from '../semantics/port-set.js';
import { reachInputs } from '../workspace-analysis.js';
import type { Assertion, EndpointSelector, ParsedAssertions } from './parse.js';

/** A rule or policy that decides a violating connection. */
export interface DecidingRule {
  readonly direction: 'ingress' | 'egress';
  /**
   * `allows`/`denies`: a rule that opens or denies the ports; `isolates`: a policy that isolates the side
   * without a rule for them; `not isolated`: nothing isolates the side; `beyond the workspace`: the side
   * is a stand-in or an address, whose own policies the workspace does not show (taken as none).
   */
  readonly effect: 'allows' | 'denies' | 'isolates' | 'not isolated' | 'beyond the workspace';
  readonly policy?: string;
  readonly file?: string;
  readonly line?: number;
  /** The rule or policy in its file (diagnostics point at it); not part of the JSON. */
  readonly origin?: Origin;
}

/** A connection that breaks an assertion. */
export interface Violation {
  readonly from: string;
  readonly to: string;
  /** deny: the ports allowed that should not be; allow: the ports denied that should be allowed. */
  readonly ports: PortSet;
  readonly rules: readonly DecidingRule[];
  /** The plain-words explanation of the connection (explain/explain.ts). */
  readonly explanation: string;
}

export interface AssertionResult {
  readonly assertion: Assertion;
  readonly holds: boolean;
  /** Why it fails without a violating connection: a side that selects nothing. */
  readonly empty?: 'from' | 'to';
  /** The first violating connections (at most {@link MAX_VIOLATIONS}), by source then destination. */
  readonly violations: readonly Violation[];
  readonly violationCount: number;
  /** Node pairs checked. */
  readonly pairs: number;
}

export const MAX_VIOLATIONS = 10;

interface Selected {
  readonly node: GraphNode;
  readonly endpoints: readonly Endpoint[];
}

/** The graph assertions are checked on, built once per analysis. */
const layouts = new WeakMap<AnalysisContext, { layout: GraphLayout; model: ClusterModel }>();

function layoutOf(ctx: AnalysisContext): { layout: GraphLayout; model: ClusterModel } {
  let out = layouts.get(ctx);
  if (!out) {
    const { model, engine } = reachInputs(ctx, true);
    layouts.set(ctx, (out = { layout: graphLayout(engine, model, 'workload'), model }));
  }
  return out;
}

export function evaluateAssertions(
  ctx: AnalysisContext,
  assertions: readonly Assertion[],
): AssertionResult[] {
  return assertions.map((a) => evaluateAssertion(ctx, a));
}

const resultsOf = new WeakMap<ParsedAssertions, AssertionResult[]>();

/**
 * The results of an assertions file of the analysis (`ctx.assertions`), computed once: the lint rule,
 * hovers and code lenses of one analysis share them.
 */
export function assertionResults(ctx: AnalysisContext, parsed: ParsedAssertions): AssertionResult[] {
  let results = resultsOf.get(parsed);
  if (!results) resultsOf.set(parsed, (results = evaluateAssertions(ctx, parsed.assertions)));
  return results;
}

export function evaluateAssertion(ctx: AnalysisContext, assertion: Assertion): AssertionResult {
  const { layout, model } = layoutOf(ctx);
  const { engine } = layout;
  const sources = select(layout, model, assertion.from);
  const destinations = select(layout, model, assertion.to);
  const base = { assertion, violations: [], violationCount: 0, pairs: 0 };
  if (sources.length === 0) return { ...base, holds: false, empty: 'from' };
  if (destinations.length === 0) return { ...base, holds: false, empty: 'to' };
  const violations: Violation[] = [];
  let count = 0;
  let pairs = 0;
  const wanted = assertion.ports ?? PortSet.all;
  for (const s of sources) {
    for (const d of destinations) {
      if (s.node === d.node || (outsideWorkspace(s.node) && outsideWorkspace(d.node))) continue;
      pairs++;
      let bad = PortSet.none;
      let pair: { src: Endpoint; dst: Endpoint } | undefined;
      for (const src of s.endpoints) {
        for (const dst of d.endpoints) {
          const allowed = engine.allowed(src, dst);
          const wrong =
            assertion.expect === 'deny'
              ? allowed.intersect(wanted).subtract(assertion.except)
              : assertion.ports
                ? assertion.ports.subtract(allowed)
                : allowed.isEmpty
                  ? PortSet.all
                  : PortSet.none;
          if (!wrong.isEmpty) {
            bad = bad.union(wrong);
            pair ??= { src, dst };
          }
        }
      }
      if (!pair) continue;
      count++;
      if (violations.length < MAX_VIOLATIONS)
        violations.push(violation(layout, s.node, d.node, pair, bad, assertion));
    }
  }
  return { assertion, holds: count === 0, violations, violationCount: count, pairs };
}

function select(layout: GraphLayout, model: ClusterModel, selector: EndpointSelector): Selected[] {
  const out: Selected[] = [];
  for (const node of layout.nodes) {
    const endpoints = endpointsOf(layout, model, node, selector);
    if (endpoints.length > 0) out.push({ node, endpoints });
  }
  return out;
}

/** The endpoints of a node that a selector selects. */
function endpointsOf(
  layout: GraphLayout,
  model: ClusterModel,
  node: GraphNode,
  selector: EndpointSelector,
): Endpoint[] {
  const all = (): Endpoint[] => {
    const block = layout.blockOf.get(node);
    if (block) return [{ kind: 'external', block }];
    return (layout.classesOf.get(node) ?? []).map((cls) => ({ kind: 'class', cls }));
  };
  if (selector.any) return all();
  if (selector.not) {
    // The endpoints the inner selector leaves out.
    const inner = new Set(endpointsOf(layout, model, node, selector.not).map(endpointKey));
    return all().filter((e) => !inner.has(endpointKey(e)));
  }
  const block = layout.blockOf.get(node);
  if (selector.addresses) {
    return block && !block.ranges.intersect(selector.addresses).isEmpty ? [{ kind: 'external', block }] : [];
  }
  if (block) return [];
  if (selector.namespaces && !selector.namespaces.includes(node.namespace)) return [];
  if (selector.namespaceSelector) {
    const labels = model.namespaces.get(node.namespace)?.labels ?? {};
    if (!selectorMatches(selector.namespaceSelector, labels)) return [];
  }
  if (
    selector.workload !== undefined &&
    selector.workload !== node.id &&
    selector.workload !== `${node.namespace}/${node.name}`
  )
    return [];
  const workloads = selector.podSelector
    ? node.workloads.filter((w) => selectorMatches(selector.podSelector!, w.labels))
    : node.workloads;
  const classes = new Set<PodClass>();
  for (const w of workloads) {
    const cls = layout.engine.classOf(w);
    if (cls) classes.add(cls);
  }
  return [...classes].sort((a, b) => a.id - b.id).map((cls) => ({ kind: 'class', cls }));
}

function violation(
  layout: GraphLayout,
  from: GraphNode,
  to: GraphNode,
  pair: { src: Endpoint; dst: Endpoint },
  ports: PortSet,
  assertion: Assertion,
): Violation {
  const first = ports.toRanges()[0]!;
  const explanation = explainConnection(
    layout.engine,
    pair.src,
    pair.dst,
    { from: from.id, to: to.id },
    { protocol: first.protocol, port: first.port },
  );
  const verdict = explanation.verdict;
  const rules: DecidingRule[] = [];
  for (const [side, node] of [
    [verdict.egress, from],
    [verdict.ingress, to],
  ] as const) {
    if (outsideWorkspace(node)) rules.push({ direction: side.direction, effect: 'beyond the workspace' });
    else rules.push(...deciding(side, ports, assertion.expect));
  }
  return { from: from.id, to: to.id, ports, rules, explanation: explanation.text };
}

/**
 * What decides a side for the offending ports: for an unwanted connection, the rules that open them (or
 * that nothing isolates the side); for a missing one, the policies that isolate the side without a rule
 * for them, and the deny rules of other APIs.
 */
function deciding(side: SideVerdict, ports: PortSet, expect: 'allow' | 'deny'): DecidingRule[] {
  const direction = side.direction;
  const out: DecidingRule[] = [];
  const where = (origin: Origin) => ({
    file: origin.file.path,
    line: origin.file.lineColumn(origin.span.start).line,
    origin,
  });
  if (side.layered) {
    for (const d of side.layered.decisions) {
      if (d.ports.intersect(ports).isEmpty) continue;
      if ((expect === 'deny') !== (d.action === 'allow')) continue;
      out.push({
        direction,
        effect: d.action === 'allow' ? 'allows' : 'denies',
        policy: commonPolicyName(d.rule.policy),
        ...where(d.rule.origin),
      });
    }
    if (expect === 'allow')
      for (const e of side.layered.endDenied)
        if (!e.ports.intersect(ports).isEmpty)
          for (const p of e.layer.isolating)
            out.push({ direction, effect: 'isolates', policy: commonPolicyName(p), ...where(p.anchor) });
    if (expect === 'deny' && !side.isolated) out.push({ direction, effect: 'not isolated' });
    return out;
  }
  if (expect === 'deny') {
    if (!side.isolated) return [{ direction, effect: 'not isolated' }];
    for (const g of side.grants)
      if (!g.ports.intersect(ports).isEmpty)
        out.push({ direction, effect: 'allows', policy: qualifiedName(g.policy), ...where(g.rule.origin) });
    return out;
  }
  if (side.isolated && !ports.subtract(side.ports).isEmpty)
    for (const p of side.isolatingPolicies)
      out.push({ direction, effect: 'isolates', policy: qualifiedName(p), ...where(p.anchor) });
  return out;
}
