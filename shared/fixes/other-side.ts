/**
 * Fixes for `other-side-denies` (lint/rules/other-side-denies.ts, data `{ fixes: [{ policy, direction,
 * peer, ports }] }`): add the missing rule to the other side's policy, in its `egress` (or `ingress`)
 * list, created when absent; one fix per policy to extend (at most three), each a minimal edit that may
 * sit in another file than the finding.
 */
import type { AnalysisContext } from '../context.js';
import type { Finding } from '../findings.js';
import type { KubeObject } from '../parse/kube-objects.js';
import { qualifiedName } from '../model/types.js';
import { isSeq } from '../parse/snode.js';
import type { Fix } from './types.js';
import type { YamlValue } from './yaml-edit.js';
import { asYamlValue } from './split-rule.js';
import { editorOfObject, ownPair, quickFix, specOf } from './target.js';

interface MissingSide {
  readonly policy: string;
  readonly direction: 'ingress' | 'egress';
  readonly peer: YamlValue;
  readonly ports: YamlValue;
}

function missingSides(data: unknown): MissingSide[] {
  const fixes = (data as { fixes?: unknown } | undefined)?.fixes;
  if (!Array.isArray(fixes)) return [];
  return fixes.flatMap((f: unknown): MissingSide[] => {
    const r = f as Record<string, unknown>;
    const peer = asYamlValue(r.peer);
    const ports = asYamlValue(r.ports);
    if (typeof r.policy !== 'string' || (r.direction !== 'ingress' && r.direction !== 'egress')) return [];
    return peer !== undefined && ports !== undefined
      ? [{ policy: r.policy, direction: r.direction, peer, ports }]
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
      const editor = object && editorOfObject(ctx, object);
      const spec = editor && object && specOf(editor, object);
      if (!editor || !spec) return [];
      const rule: YamlValue = {
        [side.direction === 'egress' ? 'to' : 'from']: [side.peer],
        ports: side.ports,
      };
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
