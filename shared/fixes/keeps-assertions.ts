/**
 * A quick fix must not break written intent: where the workspace has assertions
 * (`netpol-scope.assertions.yaml`), a fix after which an assertion that held would fail, or a failing one
 * would be broken by more connections, is not offered (adding the ingress rule another side is missing is
 * wrong when an assertion says that connection must not exist). The workspace is rebuilt with the fixed
 * text and the assertions are checked again; only workspaces with assertions pay for it, and only for
 * fixes of one file.
 */
import type { AnalysisContext } from '../context.js';
import { buildWorkspaceFromLoaded } from '../model/build-cluster.js';
import { loadManifests } from '../parse/yaml-loader.js';
import { SourceFile } from '../source/source-file.js';
import { engineFor } from '../workspace-analysis.js';
import { assertionResults, evaluateAssertions } from '../assertions/evaluate.js';
import type { Fix } from './types.js';
import { applyEdits } from './types.js';

export function fixKeepsAssertions(ctx: AnalysisContext, fix: Fix): boolean {
  const assertions = ctx.assertions ?? [];
  if (assertions.length === 0) return true;
  const file = fix.edits[0]?.file;
  if (!file || fix.edits.some((e) => e.file !== file)) return true; // several files: not checked here
  const before = assertions.flatMap((parsed) => assertionResults(ctx, parsed));
  if (before.length === 0) return true;
  const fixed = new SourceFile(file.path, applyEdits(file.text, fix.edits));
  const files = ctx.workspace.files.map((f) => (f.file.path === file.path ? loadManifests(fixed) : f));
  const workspace = buildWorkspaceFromLoaded(files, { defaultNamespace: ctx.settings.defaultNamespace });
  let engine: ReturnType<typeof engineFor> | undefined;
  const after: AnalysisContext = {
    workspace,
    settings: ctx.settings,
    get engine() {
      engine ??= engineFor(workspace.model, ctx.settings);
      return engine;
    },
  };
  const now = evaluateAssertions(
    after,
    before.map((r) => r.assertion),
  );
  return now.every((r, i) => {
    const was = before[i]!;
    if (r.violationCount > was.violationCount || (!r.holds && was.holds)) return false;
    // No listed violation gains ports (a failing assertion broken on more ports by the fix).
    return r.violations.every((v) => {
      const old = was.violations.find((w) => w.from === v.from && w.to === v.to);
      return old === undefined ? was.violations.length >= 10 : v.ports.subtract(old.ports).isEmpty;
    });
  });
}
