/**
 * The observed traffic of an analysis: its flow digests replayed into one dry run (flows/verify.ts) over
 * the analysis's model and engine, computed on first use and shared by everything that reads it (the
 * `flow-would-drop` rule, hovers, the reachability view's overlay, the dry-run command).
 */
import type { AnalysisContext } from '../context.js';
import type { Workspace } from '../model/build-cluster.js';
import { FlowAggregator } from './verify.js';
import { entryPoints } from './entry-points.js';

const dryRuns = new WeakMap<Workspace, { flows: AnalysisContext['flows']; aggregator: FlowAggregator }>();

/** The dry run of the context's flows, or undefined when it has none. */
export function observedTraffic(ctx: AnalysisContext): FlowAggregator | undefined {
  const flows = ctx.flows;
  if (!flows || flows.length === 0) return undefined;
  const known = dryRuns.get(ctx.workspace);
  if (known && known.flows === flows) return known.aggregator;
  const aggregator = new FlowAggregator(ctx.workspace.model, ctx.engine, {
    entryPoints: entryPoints(ctx.workspace, ctx.settings.defaultNamespace),
    kinds: new Set(ctx.settings.flowFlags),
  });
  for (const digest of flows) digest.replay(aggregator);
  dryRuns.set(ctx.workspace, { flows, aggregator });
  return aggregator;
}
