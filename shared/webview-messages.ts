/**
 * Messages between the VS Code extension host (client/reachability-panel.ts) and the reachability
 * webview (client/webview/), declared once. The webview never talks to the server: the extension
 * forwards requests (shared/protocol.ts) and posts the answers.
 */
import type { ExplainResult, ReachabilityResult, ReachLevel, SourceLocation } from './protocol.js';

export type PortQuery = { readonly protocol: 'TCP' | 'UDP' | 'SCTP'; readonly port: number };

/** Extension host -> webview. */
export type HostMessage =
  | { readonly type: 'graph'; readonly graph: ReachabilityResult }
  | {
      readonly type: 'explanation';
      readonly from: string;
      readonly to: string;
      readonly result?: ExplainResult;
      readonly error?: string;
    }
  | { readonly type: 'error'; readonly message: string };

/** Webview -> extension host. */
export type ViewMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'setLevel'; readonly level: ReachLevel }
  /** The group nodes to show expanded (ReachabilityParams.expand), for the current level. */
  | { readonly type: 'setExpanded'; readonly expand: readonly string[] }
  | { readonly type: 'explain'; readonly from: string; readonly to: string; readonly port?: PortQuery }
  | { readonly type: 'reveal'; readonly location: SourceLocation }
  | {
      readonly type: 'export';
      readonly format: 'csv' | 'svg';
      readonly content: string;
      readonly suggestedName: string;
    };

export function isViewMessage(value: unknown): value is ViewMessage {
  const type = (value as { type?: unknown } | null)?.type;
  return (
    typeof type === 'string' &&
    ['ready', 'setLevel', 'setExpanded', 'explain', 'reveal', 'export'].includes(type)
  );
}
