/**
 * Resolves what a user names (`explain --from/--to`, the explain tool of assistants) to an endpoint of the engine:
 * `namespace/name` (a pod or a workload), `namespace/name[Kind]`, a bare `name` (in the default
 * namespace), an IP address (a pod carrying it, else the external block holding it), or the id of an
 * exposure stand-in (`reach --exposure`).
 */
import type { Workload } from '../model/types.js';
import { qualifiedName } from '../model/types.js';
import type { Endpoint, ReachabilityEngine } from '../reach/engine.js';
import { parseAddress } from '../semantics/ip-set.js';
import { externalNodeId } from '../reach/graph.js';
import { exposureDescription, isStandIn } from '../reach/exposure.js';

export interface ResolvedEndpoint {
  readonly endpoint: Endpoint;
  /** How to call it in explanations. */
  readonly label: string;
  /** The workload named (for what only its own labels decide, such as policies of other APIs). */
  readonly workload?: Workload;
}

export class EndpointError extends Error {}

export function resolveEndpoint(
  text: string,
  workloads: readonly Workload[],
  engine: ReachabilityEngine,
  defaultNamespace: string,
): ResolvedEndpoint {
  const address = parseAddress(text);
  if (address) {
    const pod = workloads.find((w) => w.ips.some((ip) => parseAddress(ip)?.value === address.value));
    if (pod)
      return {
        endpoint: { kind: 'class', cls: engine.classOf(pod)! },
        label: `${qualifiedName(pod)} (${text})`,
        workload: pod,
      };
    const block = engine.externalOf(text);
    if (block)
      return {
        endpoint: { kind: 'external', block },
        label: `${text} (external, in ${externalNodeId(block)})`,
      };
    throw new EndpointError(`${text} is not an address that can be analysed`);
  }
  // Exposure stand-ins by their id (label keys in it may hold `/`): `*/*`, `*{team=a}/*{app=b}`.
  const standIn = workloads.find((w) => qualifiedName(w) === text && isStandIn(w));
  if (standIn)
    return {
      endpoint: { kind: 'class', cls: engine.classOf(standIn)! },
      label: `${exposureDescription(standIn)!} (${text})`,
      workload: standIn,
    };
  const match = /^(?:([^/]+)\/)?([^[\]/]+)(?:\[([A-Za-z]+)\])?$/.exec(text);
  if (!match)
    throw new EndpointError(
      `cannot read "${text}": use namespace/name, namespace/name[Kind], name or an IP address`,
    );
  const namespace = match[1] ?? defaultNamespace;
  const name = match[2]!;
  const kind = match[3];
  const candidates = workloads.filter(
    (w) =>
      w.namespace === namespace &&
      ((w.name === name && (kind === undefined || w.kind === kind)) ||
        (w.owner?.name === name && (kind === undefined || w.owner.kind === kind))),
  );
  const exact = candidates.filter((w) => w.name === name);
  const chosen = exact[0] ?? candidates[0];
  if (!chosen) {
    const known = workloads.filter((w) => w.name === name).map((w) => qualifiedName(w));
    const hint = known.length > 0 ? ` (did you mean ${known.join(', ')}?)` : '';
    throw new EndpointError(`no pod or workload named ${namespace}/${name}${kind ? `[${kind}]` : ''}${hint}`);
  }
  const label = chosen.kind === 'Pod' ? qualifiedName(chosen) : `${qualifiedName(chosen)} (${chosen.kind})`;
  return { endpoint: { kind: 'class', cls: engine.classOf(chosen)! }, label, workload: chosen };
}
