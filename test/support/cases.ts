/** Runs reachability cases in the shared case format (../shared/peer-suites/CASE-FORMAT.md). */
import { readFileSync } from 'node:fs';
import { SourceFile } from '../../shared/source/source-file.js';
import { buildWorkspace } from '../../shared/model/build-cluster.js';
import { ReachabilityEngine } from '../../shared/reach/engine.js';
import { qualifiedName } from '../../shared/model/types.js';
import type { Protocol } from '../../shared/model/types.js';

export interface Probe {
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol: Protocol;
  readonly allowed: boolean;
  /** An HTTP request on the port (policy-apis cases): does that request get through? */
  readonly http?: { readonly method?: string; readonly path?: string; readonly host?: string };
}

export interface ReachCase {
  readonly id: string;
  readonly title: string;
  readonly objects: readonly unknown[];
  readonly probes: readonly Probe[];
}

export function readCase(path: string): ReachCase {
  return JSON.parse(readFileSync(path, 'utf8')) as ReachCase;
}

export interface ProbeResult {
  readonly probe: Probe;
  readonly actual: boolean;
}

/** Evaluates every probe of a case with the real loader, model and engine (objects as one JSON List). */
export function runCase(c: ReachCase): ProbeResult[] {
  const text = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: c.objects }, null, 2);
  const workspace = buildWorkspace([new SourceFile(`${c.id}.json`, text)]);
  const engine = new ReachabilityEngine(workspace.model);
  const byId = new Map(workspace.model.workloads.map((w) => [qualifiedName(w), w]));
  return c.probes.map((probe) => {
    const from = byId.get(probe.from);
    const to = byId.get(probe.to);
    if (!from || !to) throw new Error(`${c.id}: probe endpoint not found: ${probe.from} -> ${probe.to}`);
    const src = { kind: 'class', cls: engine.classOf(from)! } as const;
    const dst = { kind: 'class', cls: engine.classOf(to)! } as const;
    const ports = engine.allowed(src, dst);
    if (!probe.http || !ports.has(probe.protocol, probe.port))
      return { probe, actual: ports.has(probe.protocol, probe.port) };
    const restriction = (engine.verdict(src, dst).http ?? []).find((r) =>
      r.ports.has(probe.protocol, probe.port),
    );
    return {
      probe,
      actual: !restriction || restriction.rules.some((rule) => requestMatches(rule, probe.http!)),
    };
  });
}

/** Whether a request matches an L7 pattern: each given field is a regular expression matched whole. */
export function requestMatches(
  rule: { readonly method?: string; readonly path?: string; readonly host?: string },
  request: { readonly method?: string; readonly path?: string; readonly host?: string },
): boolean {
  const whole = (pattern: string | undefined, value: string | undefined) =>
    pattern === undefined || pattern === '' || new RegExp(`^(?:${pattern})$`).test(value ?? '');
  return (
    whole(rule.method, request.method) && whole(rule.path, request.path) && whole(rule.host, request.host)
  );
}
