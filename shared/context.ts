/**
 * What lint rules, quick fixes, hovers, completion and code lenses read: the built workspace, its
 * reachability engine and the settings in force. One context per analysis; nothing in it is mutated.
 */
import type { Workspace } from './model/build-cluster.js';
import type { ReachabilityEngine } from './reach/engine.js';
import type { Settings } from './settings.js';
import type { FlowDigest } from './flows/digest.js';
import type { ParsedAssertions } from './assertions/parse.js';

export interface AnalysisContext {
  readonly workspace: Workspace;
  /** The engine over the workspace's model (built on first use by the façade). */
  readonly engine: ReachabilityEngine;
  /** Settings for rule behaviour (DNS target, CNI). Severities per file are applied afterwards. */
  readonly settings: Settings;
  /**
   * Observed traffic loaded with the workspace (flow files, flows/digest.ts): the dry run of the policies
   * against it feeds `flow-would-drop`, hovers and the view's overlay. Absent or empty: none.
   */
  readonly flows?: readonly FlowDigest[];
  /**
   * The assertions files among the analysed files (`netpol-scope.assertions.yaml`, assertions/parse.ts),
   * which are not manifests: the `assertion-*` rules check them against the workspace. Absent: none.
   */
  readonly assertions?: readonly ParsedAssertions[];
}
