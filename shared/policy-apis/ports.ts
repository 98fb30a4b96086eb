/**
 * Port matching of the common rule model: a list of port specs (a protocol set with a number, a range,
 * a named port, or every port), minus `notPorts` (Calico). Named ports resolve on the destination's
 * container ports, as NetworkPolicy v1 does (semantics/policy-semantics.ts `resolveNamedPort`); on an
 * address outside the cluster a name resolves to nothing.
 */
import type { ContainerPort, Protocol } from '../model/types.js';
import { PortSet } from '../semantics/port-set.js';
import { resolveNamedPort } from '../semantics/policy-semantics.js';

export interface PortSpec {
  readonly protocols: readonly Protocol[];
  /** Absent: every port of the protocols; a string: a named port. */
  readonly port?: number | string;
  /** Inclusive end of a range starting at `port`. */
  readonly endPort?: number;
}

function portsOfSpec(spec: PortSpec, destinationPorts: readonly ContainerPort[] | undefined): PortSet {
  let out = PortSet.none;
  for (const protocol of spec.protocols) {
    if (spec.port === undefined) out = out.union(PortSet.allOf(protocol));
    else if (typeof spec.port === 'string')
      out = out.union(resolveNamedPort(spec.port, protocol, destinationPorts));
    else out = out.union(PortSet.range(protocol, spec.port, Math.max(spec.port, spec.endPort ?? spec.port)));
  }
  return out;
}

export interface RulePorts {
  portsOn(destinationPorts: readonly ContainerPort[] | undefined): PortSet;
  readonly namedPorts: boolean;
}

/** `specs` 'all': every port of every protocol. */
export function rulePorts(specs: readonly PortSpec[] | 'all', not: readonly PortSpec[] = []): RulePorts {
  const named = (list: readonly PortSpec[]) => list.some((s) => typeof s.port === 'string');
  const namedPorts = (specs !== 'all' && named(specs)) || named(not);
  if (!namedPorts) {
    // Fixed: computed once.
    let fixed = specs === 'all' ? PortSet.all : PortSet.none;
    if (specs !== 'all') for (const s of specs) fixed = fixed.union(portsOfSpec(s, undefined));
    for (const s of not) fixed = fixed.subtract(portsOfSpec(s, undefined));
    return { portsOn: () => fixed, namedPorts };
  }
  return {
    namedPorts,
    portsOn(destinationPorts) {
      let out = specs === 'all' ? PortSet.all : PortSet.none;
      if (specs !== 'all') for (const s of specs) out = out.union(portsOfSpec(s, destinationPorts));
      for (const s of not) out = out.subtract(portsOfSpec(s, destinationPorts));
      return out;
    },
  };
}
