/**
 * The view state that survives the panel being hidden and restored (VS Code keeps what the webview
 * passes to `setState`): view mode, level, filters, the selected pair, the focused cell and scroll
 * offsets. The stored value is read back defensively: it is ours, but may come from an older version.
 */
import type { ReachLevel } from '../../shared/protocol.js';
import type { ViewMessage } from '../../shared/webview-messages.js';

export type ViewMode = 'matrix' | 'graph';

/** Which connections show against observed traffic: every one, or one kind of Traffic (model.ts). */
export type TrafficFilter = 'all' | 'observed' | 'denied' | 'unobserved';
const trafficFilters: readonly TrafficFilter[] = ['all', 'observed', 'denied', 'unobserved'];

export interface Pair {
  readonly from: string;
  readonly to: string;
}

export interface Scroll {
  readonly left: number;
  readonly top: number;
}

export interface ViewState {
  readonly version: 1;
  readonly view: ViewMode;
  readonly level: ReachLevel;
  /** Group keys (`ns:<name>`, `external`, `dns`) the user unticked; new groups show by default. */
  readonly hiddenGroups: readonly string[];
  /** Group nodes of an aggregated graph shown expanded (`ns:<name>`, `similar:…`, `external`). */
  readonly expanded: readonly string[];
  /** Workload search: space-separated substrings of node ids, any may match. */
  readonly search: string;
  /** The port query as typed (`5432/TCP`). */
  readonly port: string;
  /** Graph: scale the drawing to the panel's width instead of scrolling. */
  readonly fit: boolean;
  /** With observed flows loaded: which connections show. */
  readonly traffic: TrafficFilter;
  readonly selected?: Pair;
  /** The matrix cell that holds the roving tab stop. */
  readonly focus?: Pair;
  readonly scroll: { readonly matrix: Scroll; readonly graph: Scroll };
}

export const initialState: ViewState = {
  version: 1,
  view: 'matrix',
  level: 'workload',
  hiddenGroups: [],
  expanded: [],
  search: '',
  port: '',
  fit: true,
  traffic: 'all',
  scroll: { matrix: { left: 0, top: 0 }, graph: { left: 0, top: 0 } },
};

/** The API VS Code gives a webview script (`acquireVsCodeApi()`), as far as the view uses it. */
export interface VsCodeApi {
  postMessage(message: ViewMessage): void;
  getState(): unknown;
  setState(state: ViewState): void;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown, fallback: string, max = 500): string {
  return typeof value === 'string' ? value.slice(0, max) : fallback;
}

function pair(value: unknown): Pair | undefined {
  if (!isRecord(value) || typeof value.from !== 'string' || typeof value.to !== 'string') return undefined;
  return { from: value.from, to: value.to };
}

function scroll(value: unknown): Scroll {
  if (!isRecord(value)) return { left: 0, top: 0 };
  const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0);
  return { left: n(value.left), top: n(value.top) };
}

/** Reads a stored state, keeping what is well-formed and defaulting the rest. */
export function restoreState(value: unknown): ViewState {
  if (!isRecord(value) || value.version !== 1) return initialState;
  const scrolls = isRecord(value.scroll) ? value.scroll : {};
  const selected = pair(value.selected);
  const focus = pair(value.focus);
  return {
    version: 1,
    view: value.view === 'graph' ? 'graph' : 'matrix',
    level: value.level === 'pod' ? 'pod' : 'workload',
    hiddenGroups: Array.isArray(value.hiddenGroups)
      ? value.hiddenGroups.filter((g): g is string => typeof g === 'string')
      : [],
    expanded: Array.isArray(value.expanded)
      ? value.expanded.filter((g): g is string => typeof g === 'string').slice(0, 200)
      : [],
    search: str(value.search, ''),
    port: str(value.port, '', 40),
    fit: value.fit !== false,
    traffic: trafficFilters.find((t) => t === value.traffic) ?? 'all',
    ...(selected ? { selected } : {}),
    ...(focus ? { focus } : {}),
    scroll: { matrix: scroll(scrolls.matrix), graph: scroll(scrolls.graph) },
  };
}

/** Holds the state and writes every change through to VS Code. */
export class StateStore {
  private current: ViewState;

  /** Whether a saved state was found (the panel was restored rather than opened). */
  readonly restored: boolean;

  constructor(private readonly api: VsCodeApi) {
    const saved = api.getState();
    this.restored = saved !== undefined && saved !== null;
    this.current = restoreState(saved);
  }

  get state(): ViewState {
    return this.current;
  }

  update(change: Partial<ViewState>): ViewState {
    const next: Record<string, unknown> = { ...this.current, ...change };
    // `undefined` in a change removes the key (exact optional properties in stored JSON).
    for (const key of Object.keys(change) as Array<keyof ViewState>) {
      if (change[key] === undefined) delete next[key];
    }
    this.current = next as unknown as ViewState;
    this.api.setState(this.current);
    return this.current;
  }
}

export function samePair(a: Pair | undefined, b: Pair | undefined): boolean {
  return a !== undefined && b !== undefined && a.from === b.from && a.to === b.to;
}
