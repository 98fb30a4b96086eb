/** The observed-traffic requests: load and clear flow files, the dry run, generated policies. */
import type { DryRunResult, FlowsResult, GenerateFromFlowsResult } from '../../shared/protocol.js';
import { observedTraffic } from '../../shared/flows/observed.js';
import { flowsMarkdown } from '../../shared/flows/report-format.js';
import { generatedCheckText, generatePolicies, withoutExtended } from '../../shared/flows/generate.js';
import { analyzeLoaded } from '../../shared/workspace-analysis.js';
import { loadManifests } from '../../shared/parse/yaml-loader.js';
import { SourceFile } from '../../shared/source/source-file.js';
import type { ServerState } from '../server.js';

const noFlows =
  'No observed flows are loaded: run "netpol-scope: Load Observed Flows…", or set `netpolScope.flows` to globs of flow files.';

export async function loadFlows(state: ServerState, params: { uris?: unknown }): Promise<FlowsResult> {
  const uris = Array.isArray(params.uris)
    ? params.uris.filter((u): u is string => typeof u === 'string')
    : [];
  await state.flows.load(uris);
  return { files: state.flows.files() };
}

export function clearFlows(state: ServerState): FlowsResult {
  state.flows.clear();
  return { files: state.flows.files() };
}

export function dryRun(state: ServerState): DryRunResult {
  const files = state.flows.files();
  const dryRun = observedTraffic(state.analysis());
  if (!dryRun) return { files, markdown: noFlows };
  const report = dryRun.report();
  return { files, report, markdown: flowsMarkdown(report) };
}

export function generateFromFlows(state: ServerState): GenerateFromFlowsResult {
  const analysis = state.analysis();
  const dryRun = observedTraffic(analysis);
  if (!dryRun) return { yaml: '', policies: 0, check: noFlows };
  const { model } = analysis.workspace;
  const generated = generatePolicies(model, analysis.engine, dryRun.observedEdges(), analysis.settings, {
    workspace: analysis.workspace,
  });
  // Checked by construction: the workspace with the generated policies, against the same flows.
  const checked = analyzeLoaded(
    [
      ...analysis.workspace.files.map((f) =>
        generated.extended.some((e) => e.path === f.file.path)
          ? loadManifests(
              new SourceFile(f.file.path, withoutExtended(f.file.path, f.file.text, generated.extended)),
            )
          : f,
      ),
      loadManifests(new SourceFile('generated-policies.yaml', generated.yaml)),
    ],
    { settings: analysis.settings, ...(analysis.flows ? { flows: analysis.flows } : {}) },
  );
  const report = observedTraffic(checked)?.report();
  return {
    yaml: generated.yaml,
    policies: generated.policies,
    check: report ? generatedCheckText(generated, report) : '',
  };
}
