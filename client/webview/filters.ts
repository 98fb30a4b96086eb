/**
 * Filters: which groups (namespaces, external blocks, cluster DNS) show, a search on node ids, a port
 * query ("who can reach db on 5432?") and the pod/workload level. `applyFilters` is pure; `FilterBar`
 * owns the controls and reports changes.
 */
import type { ReachEdgeJson, ReachLevel } from '../../shared/protocol.js';
import type { PortQuery } from '../../shared/webview-messages.js';
import { el, replace, setAttr } from './dom.js';
import type { ViewGroup, ViewModel, ViewNode } from './model.js';
import { trafficOf } from './model.js';
import { allowsPort, parsePortQuery, queryText } from './ports.js';
import type { TrafficFilter, ViewState } from './state.js';

export interface VisibleGroup {
  readonly group: ViewGroup;
  readonly nodes: readonly ViewNode[];
}

export interface Visible {
  /** Matrix rows (sources) and columns (destinations), grouped. */
  readonly rowGroups: readonly VisibleGroup[];
  readonly colGroups: readonly VisibleGroup[];
  readonly rows: readonly ViewNode[];
  readonly cols: readonly ViewNode[];
  /** Rows and columns together in display order, grouped: the graph's nodes. */
  readonly groups: readonly VisibleGroup[];
  readonly nodes: readonly ViewNode[];
  /** A port query or a `from:`/`to:` term asks a narrower question: the graph leaves out unconnected nodes. */
  readonly narrowed: boolean;
  /** The parsed port query, when one is set and valid. */
  readonly query?: PortQuery;
  readonly queryInvalid: boolean;
  /** Whether an edge is shown (with a port query: only edges allowing it). */
  edgeShown(edge: ReachEdgeJson | undefined): edge is ReachEdgeJson;
  /**
   * The connection a pair shows, after the traffic filter: its allowed edge, or for observed traffic the
   * policies deny entirely, an edge with no ports (drawn as denied). Undefined: nothing to show.
   */
  pairEdge(from: ViewNode, to: ViewNode): ReachEdgeJson | undefined;
  /** The traffic filter in force (`all` without loaded flows). */
  readonly traffic: TrafficFilter;
}

export interface SearchTerms {
  /** Plain terms: a node shows when its id contains any of them. */
  readonly any: readonly string[];
  /** `from:x` terms restrict the sources (rows), `to:x` the destinations (columns). */
  readonly from: readonly string[];
  readonly to: readonly string[];
}

/** Splits the search text: space-separated, case-insensitive substrings of node ids. */
export function searchTerms(search: string): SearchTerms {
  const any: string[] = [];
  const from: string[] = [];
  const to: string[] = [];
  for (const term of search.toLowerCase().split(/\s+/)) {
    if (term.startsWith('from:')) {
      if (term.length > 5) from.push(term.slice(5));
    } else if (term.startsWith('to:')) {
      if (term.length > 3) to.push(term.slice(3));
    } else if (term.length > 0) any.push(term);
  }
  return { any, from, to };
}

export function applyFilters(model: ViewModel, state: ViewState): Visible {
  const hidden = new Set(state.hiddenGroups);
  const terms = searchTerms(state.search);
  const contains = (node: ViewNode, list: readonly string[]) => {
    if (list.length === 0) return true;
    const id = node.id.toLowerCase();
    return list.some((t) => id.includes(t));
  };
  const rowGroups: VisibleGroup[] = [];
  const colGroups: VisibleGroup[] = [];
  const groups: VisibleGroup[] = [];
  for (const group of model.groups) {
    if (hidden.has(group.key)) continue;
    const shown = group.nodes.filter((n) => contains(n, terms.any));
    const rows = shown.filter((n) => contains(n, terms.from));
    const cols = shown.filter((n) => contains(n, terms.to));
    if (rows.length > 0) rowGroups.push({ group, nodes: rows });
    if (cols.length > 0) colGroups.push({ group, nodes: cols });
    const both = shown.filter((n) => rows.includes(n) || cols.includes(n));
    if (both.length > 0) groups.push({ group, nodes: both });
  }
  const parsed = parsePortQuery(state.port);
  const query = typeof parsed === 'object' ? parsed : undefined;
  const edgeShown = (edge: ReachEdgeJson | undefined): edge is ReachEdgeJson =>
    edge !== undefined && (query ? allowsPort(edge, query) : edge.all || edge.ports.length > 0);
  const traffic: TrafficFilter = model.graph.observed ? state.traffic : 'all';
  const pairEdge = (from: ViewNode, to: ViewNode): ReachEdgeJson | undefined => {
    const edge = model.edge(from.id, to.id);
    // Compared with a base version: a connection the change closed is drawn (as denied) too.
    if (model.graph.diff && !edgeShown(edge) && model.changed(from.id, to.id)?.kind === 'removed')
      return { from: from.id, to: to.id, ports: [], all: false };
    if (!model.graph.observed) return edgeShown(edge) ? edge : undefined;
    const kind = trafficOf(model, from.id, to.id);
    if (traffic !== 'all' && kind !== traffic) return undefined;
    if (edgeShown(edge)) return edge;
    if (kind !== 'denied') return undefined;
    // Observed, and denied on every port: shown as a denied connection (on the queried port, if any).
    const denied = model.observed(from.id, to.id)!.ports.filter((p) => !p.allowed);
    if (query && !denied.some((p) => p.protocol === query.protocol && p.port === query.port))
      return undefined;
    return { from: from.id, to: to.id, ports: [], all: false };
  };
  return {
    rowGroups,
    colGroups,
    rows: rowGroups.flatMap((g) => g.nodes),
    cols: colGroups.flatMap((g) => g.nodes),
    groups,
    nodes: groups.flatMap((g) => g.nodes),
    narrowed: query !== undefined || terms.from.length > 0 || terms.to.length > 0,
    ...(query ? { query } : {}),
    queryInvalid: parsed === 'invalid',
    edgeShown,
    pairEdge,
    traffic,
  };
}

export interface FilterHandlers {
  change(change: Partial<ViewState>): void;
  level(level: ReachLevel): void;
}

/** The filter controls. Built once; `update` refreshes the group list when a new graph arrives. */
export class FilterBar {
  readonly element: HTMLElement;
  private readonly groupList: HTMLElement;
  private readonly search: HTMLInputElement;
  private readonly port: HTMLInputElement;
  private readonly portHint: HTMLElement;
  private readonly levelSelect: HTMLSelectElement;
  private readonly trafficSelect: HTMLSelectElement;
  private readonly trafficField: HTMLElement;
  private groupKeys: string[] = [];
  private hidden: readonly string[] = [];

  constructor(handlers: FilterHandlers) {
    this.groupList = el('div', { class: 'group-list', role: 'group', 'aria-labelledby': 'groups-legend' });
    const allButton = el('button', { type: 'button', class: 'small', id: 'groups-all' }, 'Show all');
    allButton.addEventListener('click', () => handlers.change({ hiddenGroups: [] }));
    this.search = el('input', {
      id: 'filter-search',
      type: 'search',
      placeholder: 'e.g. cart db · to:db · from:shop/',
      title: 'Space-separated parts of node ids; from:x limits sources (rows), to:x destinations (columns)',
      autocomplete: 'off',
      spellcheck: 'false',
    });
    this.port = el('input', {
      id: 'filter-port',
      type: 'text',
      placeholder: 'e.g. 5432/TCP',
      autocomplete: 'off',
      spellcheck: 'false',
      inputmode: 'text',
      'aria-describedby': 'filter-port-hint',
    });
    this.portHint = el('span', { id: 'filter-port-hint', class: 'hint', 'aria-live': 'polite' });
    this.levelSelect = el(
      'select',
      { id: 'filter-level' },
      el('option', { value: 'workload' }, 'Workloads'),
      el('option', { value: 'pod' }, 'Pods'),
    );
    this.trafficSelect = el(
      'select',
      { id: 'filter-traffic', title: 'Connections against the observed flows' },
      el('option', { value: 'all' }, 'All connections'),
      el('option', { value: 'observed' }, 'Observed and allowed'),
      el('option', { value: 'denied' }, 'Observed but denied'),
      el('option', { value: 'unobserved' }, 'Allowed, never observed'),
    );
    this.trafficSelect.addEventListener('change', () =>
      handlers.change({ traffic: trafficFilterOf(this.trafficSelect.value) }),
    );
    this.trafficField = el(
      'div',
      { class: 'field', hidden: true },
      el('label', { for: 'filter-traffic' }, 'Observed traffic'),
      this.trafficSelect,
    );
    this.search.addEventListener('input', () => handlers.change({ search: this.search.value }));
    this.port.addEventListener('input', () => handlers.change({ port: this.port.value }));
    this.levelSelect.addEventListener('change', () =>
      handlers.level(this.levelSelect.value === 'pod' ? 'pod' : 'workload'),
    );
    this.groupList.addEventListener('change', (event) => {
      const input = event.target;
      if (!(input instanceof HTMLInputElement)) return;
      const key = this.groupKeys[Number(input.dataset.index)];
      if (key === undefined) return;
      const hidden = new Set(this.hidden);
      if (input.checked) hidden.delete(key);
      else hidden.add(key);
      handlers.change({ hiddenGroups: [...hidden] });
    });

    this.element = el(
      'section',
      { class: 'filters', 'aria-label': 'Filters' },
      el(
        'fieldset',
        { class: 'groups' },
        el('legend', { id: 'groups-legend' }, 'Namespaces'),
        this.groupList,
        allButton,
      ),
      el('div', { class: 'field' }, el('label', { for: 'filter-search' }, 'Search'), this.search),
      el('div', { class: 'field' }, el('label', { for: 'filter-port' }, 'Port'), this.port, this.portHint),
      el('div', { class: 'field' }, el('label', { for: 'filter-level' }, 'Level'), this.levelSelect),
      this.trafficField,
    );
  }

  /** Refreshes controls from the model and state, keeping keyboard focus on the same control. */
  update(model: ViewModel, state: ViewState, visible: Visible, level: ReachLevel): void {
    this.hidden = state.hiddenGroups;
    const active = document.activeElement;
    const focusedKey =
      active instanceof HTMLInputElement && this.groupList.contains(active)
        ? this.groupKeys[Number(active.dataset.index)]
        : undefined;
    this.groupKeys = model.groups.map((g) => g.key);
    const hidden = new Set(state.hiddenGroups);
    let refocus: HTMLInputElement | undefined;
    replace(
      this.groupList,
      ...model.groups.map((group, index) => {
        const id = `group-${index}`;
        const box = el('input', {
          type: 'checkbox',
          id,
          'data-index': index,
          checked: !hidden.has(group.key),
        });
        if (group.key === focusedKey) refocus = box;
        return el(
          'label',
          { class: `group-choice group-${group.kind}`, for: id },
          box,
          el('span', {}, group.label),
          el('span', { class: 'count' }, `${group.nodes.length}`),
        );
      }),
    );
    refocus?.focus();
    if (this.search.value !== state.search) this.search.value = state.search;
    if (this.port.value !== state.port) this.port.value = state.port;
    setAttr(this.port, 'aria-invalid', visible.queryInvalid ? 'true' : undefined);
    this.portHint.textContent = visible.queryInvalid
      ? 'Not a port: try 5432, 5432/TCP or UDP 53'
      : visible.query
        ? `Showing who can reach ${queryText(visible.query)}`
        : '';
    this.levelSelect.value = level;
    this.trafficField.hidden = !model.graph.observed;
    this.trafficSelect.value = state.traffic;
  }
}

function trafficFilterOf(value: string): TrafficFilter {
  return value === 'observed' || value === 'denied' || value === 'unobserved' ? value : 'all';
}
