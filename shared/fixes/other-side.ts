/**
 * Fixes for `other-side-denies` (lint/rules/other-side-denies.ts, data `{ fixes: [{ policy, direction,
 * peer, ports }] }`): add the missing rule to the other side's policy, in its `egress` (or `ingress`)
 * list, created when absent; one fix per policy to extend (at most three), each a minimal edit that may
 * sit in another file than the finding. Where that policy selects every pod of its namespace (a default
 * deny), the rule goes into a new policy for the workload's pods, appended to the same file.
 */
import type { AnalysisContext } from '../context.js';
import type { Finding } from '../findings.js';
import type { KubeObject } from '../parse/kube-objects.js';
import { qualifiedName } from '../model/types.js';
import { isSeq } from '../parse/snode.js';
import type { Fix } from './types.js';
import type { YamlValue } from './yaml-edit.js';
import { asYamlValue } from './split-rule.js';
import { editorOfObject, loadedFileOf, ownPair, quickFix, specOf } from './target.js';
import { appendDocument } from './default-deny.js';
import { renderBlock } from './yaml-edit.js';

interface MissingSide {
  readonly policy: string;
  readonly direction: 'ingress' | 'egress';
  readonly peer: YamlValue;
  readonly ports: YamlValue;
  readonly newPolicy?: { readonly namespace: string; readonly name: string; readonly podSelector: YamlValue };
}

function missingSides(data: unknown): MissingSide[] {
  const fixes = (data as { fixes?: unknown } | undefined)?.fixes;
  if (!Array.isArray(fixes)) return [];
  return fixes.flatMap((f: unknown): MissingSide[] => {
    const r = f as Record<string, unknown>;
    const peer = asYamlValue(r.peer);
    const ports = asYamlValue(r.ports);
    if (typeof r.policy !== 'string' || (r.direction !== 'ingress' && r.direction !== 'egress')) return [];
    const raw = r.newPolicy as Record<string, unknown> | undefined;
    const podSelector = raw ? asYamlValue(raw.podSelector) : undefined;
    const newPolicy =
      raw && typeof raw.namespace === 'string' && typeof raw.name === 'string' && podSelector !== undefined
        ? { namespace: raw.namespace, name: raw.name, podSelector }
        : undefined;
    if (raw && !newPolicy) return [];
    return peer !== undefined && ports !== undefined
      ? [{ policy: r.policy, direction: r.direction, peer, ports, ...(newPolicy ? { newPolicy } : {}) }]
      : [];
  });
}

function objectOf(ctx: AnalysisContext, name: string): KubeObject | undefined {
  let fallback: KubeObject | undefined;
  for (const [policy, object] of ctx.workspace.policyObjects) {
    if (qualifiedName(policy) !== name) continue;
    if (!policy.rejected) return object;
    fallback ??= object;
  }
  return fallback;
}

function portWords(ports: YamlValue): string {
  if (!Array.isArray(ports)) return '';
  return ports
    .map((p) => {
      const r = p as Record<string, YamlValue>;
      return `${String(r.protocol)} ${String(r.port)}${r.endPort !== undefined ? `-${String(r.endPort)}` : ''}`;
    })
    .join(', ');
}

export function otherSideFixes(ctx: AnalysisContext, finding: Finding): Fix[] {
  return missingSides(finding.data)
    .slice(0, 3)
    .flatMap((side) => {
      const object = objectOf(ctx, side.policy);
      const rule: YamlValue = {
        [side.direction === 'egress' ? 'to' : 'from']: [side.peer],
        ports: side.ports,
      };
      if (side.newPolicy && object) return newPolicyFix(ctx, object, side, side.newPolicy, rule);
      const editor = object && editorOfObject(ctx, object);
      const spec = editor && object && specOf(editor, object);
      if (!editor || !spec) return [];
      const title = `Add the ${side.direction} rule to ${side.policy} (${portWords(side.ports)})`;
      const list = ownPair(editor, spec, side.direction);
      if (!list) {
        const other = side.direction === 'egress' ? 'ingress' : 'egress';
        const after = ownPair(editor, spec, other) ? other : undefined;
        return quickFix(title, editor.insertPair(spec, side.direction, [rule], after), true);
      }
      if (isSeq(list.value)) return quickFix(title, editor.appendItem(list.value, rule), true);
      if (list.value.kind === 'scalar' && list.value.value === null)
        return quickFix(title, editor.setValue(list, [rule]), true);
      return [];
    });
}

/**
 * The rule in a new policy for the pods of the workload, appended to the file of the policy that isolates
 * them (which selects every pod of the namespace: a rule there would open the port for all of them).
 */
function newPolicyFix(
  ctx: AnalysisContext,
  object: KubeObject,
  side: MissingSide,
  create: NonNullable<MissingSide['newPolicy']>,
  rule: YamlValue,
): Fix[] {
  if (/\.json$/i.test(object.file.path) || !loadedFileOf(ctx, object.file)) return [];
  const taken = new Set(
    ctx.workspace.objects
      .filter(
        (o) =>
          o.kind === 'NetworkPolicy' && (o.namespace ?? ctx.settings.defaultNamespace) === create.namespace,
      )
      .flatMap((o) => (o.name === undefined ? [] : [o.name])),
  );
  let name = create.name;
  for (let n = 2; taken.has(name); n++) name = `${create.name}-${n}`;
  const type = side.direction === 'egress' ? 'Egress' : 'Ingress';
  const policy: YamlValue = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace: create.namespace },
    spec: { podSelector: create.podSelector, policyTypes: [type], [side.direction]: [rule] },
  };
  const edit = appendDocument(ctx, object.file, (style) => [
    `# The ${side.direction} that ${side.policy} leaves out for these pods (added by netpol-scope: other-side-denies).`,
    ...renderBlock(policy, 0, style),
  ]);
  const title = `Add a policy ${create.namespace}/${name} with the ${side.direction} rule (${portWords(side.ports)})`;
  return quickFix(title, [edit], true).map((f) => ({ ...f, addsDocument: true }));
}
