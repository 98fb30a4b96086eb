/**
 * The reachability webview's script (bundled to dist/media/reachability.js). It receives the graph
 * and explanations from the extension host by postMessage (shared/webview-messages.ts), renders a
 * matrix and a graph, and posts back explain, reveal, level and export requests. View state (filters,
 * selection, view mode, scroll) is kept with `setState` so it survives the panel being hidden.
 */
import type {
  DiffOverlayJson,
  ReachabilityResult,
  ReachLevel,
  SourceLocation,
} from '../../shared/protocol.js';
import type { HostMessage, PortQuery, ViewMessage } from '../../shared/webview-messages.js';
import { el, replace, setAttr, setSvgAttr } from './dom.js';
import { renderExplanation } from './explain-pane.js';
import type { ExplainView } from './explain-pane.js';
import { graphSvg, matrixCsv, suggestedName } from './export.js';
import { applyFilters, FilterBar } from './filters.js';
import type { Visible } from './filters.js';
import { renderGraph } from './graph.js';
import { renderMatrix } from './matrix.js';
import { parseHostMessage } from './messages.js';
import { buildModel, changeText, trafficText } from './model.js';
import type { ViewModel } from './model.js';
import type { Pair, ViewMode, VsCodeApi } from './state.js';
import { samePair, StateStore } from './state.js';

declare function acquireVsCodeApi(): VsCodeApi;

class ReachabilityView {
  private readonly store: StateStore;
  private readonly filters: FilterBar;
  private readonly tabs: Record<ViewMode, HTMLButtonElement>;
  private readonly panels: Record<ViewMode, HTMLElement>;
  private readonly fitToggle: HTMLInputElement;
  private readonly fitLabel: HTMLElement;
  private readonly status: HTMLElement;
  private readonly banner: HTMLElement;
  private readonly explainPane: HTMLElement;
  private readonly exportSvgButton: HTMLButtonElement;
  private readonly exportCsvButton: HTMLButtonElement;
  private readonly collapseAllButton: HTMLButtonElement;
  /** The legend's keys for observed traffic (shown with loaded flows). */
  private readonly trafficKeys: HTMLElement;
  /** The legend's keys for a comparison with a base version (shown in diff mode). */
  private readonly diffKeys: HTMLElement;

  private model: ViewModel | undefined;
  private visible: Visible | undefined;
  private svgElement: SVGSVGElement | undefined;
  /** Which views show the current model and filters. */
  private fresh: Record<ViewMode, boolean> = { matrix: false, graph: false };
  private explain: ExplainView = { kind: 'empty' };
  private pendingExplain: (Pair & { port?: PortQuery }) | undefined;
  private levelSynced = false;
  private updates = 0;
  private scrollFrame = 0;

  constructor(
    private readonly api: VsCodeApi,
    root: HTMLElement,
  ) {
    this.store = new StateStore(api);
    this.filters = new FilterBar({
      change: (change) => {
        this.store.update(change);
        this.invalidate();
        this.render();
      },
      level: (level) => this.setLevel(level),
    });

    const tab = (mode: ViewMode, label: string) =>
      el(
        'button',
        { type: 'button', role: 'tab', id: `tab-${mode}`, 'aria-controls': `panel-${mode}` },
        label,
      );
    this.tabs = { matrix: tab('matrix', 'Matrix'), graph: tab('graph', 'Graph') };
    const tablist = el(
      'div',
      { role: 'tablist', class: 'tabs', 'aria-label': 'View' },
      this.tabs.matrix,
      this.tabs.graph,
    );
    tablist.addEventListener('click', (event) => {
      const target = event.target instanceof Element ? event.target.closest('[role="tab"]') : null;
      if (target === this.tabs.matrix) this.setView('matrix');
      if (target === this.tabs.graph) this.setView('graph');
    });
    tablist.addEventListener('keydown', (event) => {
      if (!['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(event.key)) return;
      event.preventDefault();
      const next: ViewMode =
        event.key === 'Home'
          ? 'matrix'
          : event.key === 'End'
            ? 'graph'
            : this.store.state.view === 'matrix'
              ? 'graph'
              : 'matrix';
      this.setView(next);
      this.tabs[next].focus();
    });

    this.fitToggle = el('input', { type: 'checkbox', id: 'graph-fit' });
    this.fitToggle.addEventListener('change', () => {
      this.store.update({ fit: this.fitToggle.checked });
      this.svgElement?.classList.toggle('fit', this.fitToggle.checked);
    });
    this.fitLabel = el('label', { class: 'fit', for: 'graph-fit' }, this.fitToggle, ' Fit to width');

    this.exportCsvButton = el('button', { type: 'button', id: 'export-csv' }, 'Export CSV');
    this.exportSvgButton = el('button', { type: 'button', id: 'export-svg' }, 'Export SVG');
    this.exportCsvButton.addEventListener('click', () => this.exportCsv());
    this.collapseAllButton = el(
      'button',
      { type: 'button', id: 'collapse-all', hidden: true },
      'Collapse all',
    );
    this.collapseAllButton.addEventListener('click', () => this.setExpanded([]));
    this.exportSvgButton.addEventListener('click', () => this.exportSvg());

    this.status = el(
      'p',
      { class: 'status', id: 'status', role: 'status', 'aria-live': 'polite' },
      'Waiting for the analysis…',
    );
    this.banner = el('p', { class: 'banner', role: 'alert', hidden: true });
    this.panels = {
      matrix: el('div', {
        id: 'panel-matrix',
        role: 'tabpanel',
        class: 'panel',
        'aria-labelledby': 'tab-matrix',
        tabindex: -1,
      }),
      graph: el('div', {
        id: 'panel-graph',
        role: 'tabpanel',
        class: 'panel',
        'aria-labelledby': 'tab-graph',
        tabindex: -1,
      }),
    };
    for (const mode of ['matrix', 'graph'] as const) {
      this.panels[mode].appendChild(el('p', { class: 'loading' }, 'Loading reachability…'));
      this.panels[mode].addEventListener('scroll', () => this.saveScroll(), { passive: true });
    }
    this.explainPane = el('aside', {
      id: 'explain',
      class: 'explain',
      'aria-labelledby': 'explain-title',
      'aria-live': 'polite',
    });

    this.trafficKeys = el(
      'span',
      { class: 'traffic-keys', hidden: true },
      el(
        'span',
        { class: 'key key-observed' },
        el('span', { class: 'swatch', 'aria-hidden': 'true' }),
        ' observed',
      ),
      el(
        'span',
        { class: 'key key-denied-traffic' },
        el('span', { class: 'swatch', 'aria-hidden': 'true' }),
        ' observed but denied',
      ),
      el(
        'span',
        { class: 'key key-unobserved' },
        el('span', { class: 'swatch', 'aria-hidden': 'true' }),
        ' allowed, never observed',
      ),
    );
    this.diffKeys = el(
      'span',
      { class: 'diff-keys', hidden: true },
      el(
        'span',
        { class: 'key key-diff-added' },
        el('span', { class: 'swatch', 'aria-hidden': 'true' }),
        ' opened',
      ),
      el(
        'span',
        { class: 'key key-diff-removed' },
        el('span', { class: 'swatch', 'aria-hidden': 'true' }),
        ' closed',
      ),
      el(
        'span',
        { class: 'key key-diff-changed' },
        el('span', { class: 'swatch', 'aria-hidden': 'true' }),
        ' ports changed',
      ),
    );
    const legend = el(
      'p',
      { class: 'legend', 'aria-label': 'Legend' },
      el(
        'span',
        { class: 'key key-all' },
        el('span', { class: 'sym', 'aria-hidden': 'true' }, '●'),
        ' all ports',
      ),
      el(
        'span',
        { class: 'key key-some' },
        el('span', { class: 'sym', 'aria-hidden': 'true' }, '◐'),
        ' some ports',
      ),
      el(
        'span',
        { class: 'key key-none' },
        el('span', { class: 'sym', 'aria-hidden': 'true' }, '✕'),
        ' none / denied',
      ),
      el(
        'span',
        { class: 'key key-self' },
        el('span', { class: 'sym', 'aria-hidden': 'true' }, '·'),
        ' n/a (same node)',
      ),
      this.trafficKeys,
      this.diffKeys,
    );

    replace(
      root,
      el(
        'header',
        { class: 'toolbar' },
        el('h1', {}, 'Reachability'),
        tablist,
        this.fitLabel,
        el('div', { class: 'actions' }, this.collapseAllButton, this.exportCsvButton, this.exportSvgButton),
        this.status,
      ),
      this.filters.element,
      legend,
      this.banner,
      el(
        'div',
        { class: 'body' },
        el('div', { class: 'panels' }, this.panels.matrix, this.panels.graph),
        this.explainPane,
      ),
    );
    setAttr(root, 'aria-busy', 'true');
    this.renderExplain();
    this.renderChrome();

    window.addEventListener('message', (event: MessageEvent<unknown>) => {
      const message = parseHostMessage(event.data);
      if (message) this.receive(message, root);
    });
    this.post({ type: 'ready' });
  }

  private post(message: ViewMessage): void {
    this.api.postMessage(message);
  }

  private receive(message: HostMessage, root: HTMLElement): void {
    switch (message.type) {
      case 'graph':
        setAttr(root, 'aria-busy', 'false');
        this.onGraph(message.graph);
        break;
      case 'explanation': {
        const pending = this.pendingExplain;
        if (!pending || pending.from !== message.from || pending.to !== message.to) return;
        this.pendingExplain = undefined;
        this.explain = message.result
          ? { kind: 'result', result: message.result, ...(pending.port ? { port: pending.port } : {}) }
          : {
              kind: 'error',
              from: message.from,
              to: message.to,
              message: message.error ?? 'No explanation for this pair.',
            };
        this.renderExplain();
        break;
      }
      case 'error':
        this.banner.textContent = message.message;
        this.banner.hidden = false;
        break;
    }
  }

  private onGraph(graph: ReachabilityResult): void {
    const state = this.store.state;
    if (!this.levelSynced) {
      this.levelSynced = true;
      // A restored panel shows again the groups it had expanded.
      if (this.store.restored && state.expanded.length > 0)
        this.post({ type: 'setExpanded', expand: state.expanded });
      // A restored panel asks again for the level it showed before it was hidden.
      if (this.store.restored && graph.level !== state.level)
        this.post({ type: 'setLevel', level: state.level });
      else if (graph.level !== state.level) this.store.update({ level: graph.level });
    } else if (graph.level !== state.level) {
      this.store.update({ level: graph.level });
    }
    this.banner.hidden = true;
    this.model = buildModel(graph);
    this.updates++;
    this.invalidate();
    const selected = this.store.state.selected;
    if (selected) {
      if (this.model.byId.has(selected.from) && this.model.byId.has(selected.to)) {
        // The analysis changed: explain the selected pair again.
        this.requestExplain(selected, false);
      } else if (graph.level === this.store.state.level) {
        this.store.update({ selected: undefined });
        this.explain = { kind: 'empty' };
        this.renderExplain();
      }
    }
    this.render();
    this.status.classList.remove('flash');
    void this.status.offsetWidth;
    this.status.classList.add('flash');
  }

  private invalidate(): void {
    this.fresh = { matrix: false, graph: false };
  }

  private setView(view: ViewMode): void {
    if (this.store.state.view === view) return;
    this.store.update({ view });
    this.render();
  }

  /** Asks for a group node's members (the server answers with a new graph). */
  private expand(id: string): void {
    const expanded = this.store.state.expanded;
    if (expanded.includes(id)) return;
    this.setExpanded([...expanded, id]);
  }

  /** Shows an expanded namespace as one node again (with everything expanded inside it). */
  private collapse(namespace: string): void {
    const inside = (id: string) =>
      id === `ns:${namespace}` || id.startsWith(`similar:${namespace}/`) || id === `more:${namespace}`;
    this.setExpanded(this.store.state.expanded.filter((id) => !inside(id)));
  }

  private setExpanded(expanded: readonly string[]): void {
    this.store.update({ expanded });
    this.renderChrome();
    this.post({ type: 'setExpanded', expand: expanded });
    this.status.textContent = 'Loading…';
  }

  private setLevel(level: ReachLevel): void {
    this.store.update({ level });
    this.post({ type: 'setLevel', level });
    this.status.textContent = `Loading the ${level} level…`;
  }

  private renderChrome(): void {
    const view = this.store.state.view;
    for (const mode of ['matrix', 'graph'] as const) {
      const active = mode === view;
      setAttr(this.tabs[mode], 'aria-selected', active ? 'true' : 'false');
      setAttr(this.tabs[mode], 'tabindex', active ? 0 : -1);
      this.panels[mode].hidden = !active;
    }
    this.fitLabel.hidden = view !== 'graph';
    this.fitToggle.checked = this.store.state.fit;
    this.exportCsvButton.disabled = !this.model;
    this.exportSvgButton.disabled = !this.model;
    this.collapseAllButton.hidden = this.store.state.expanded.length === 0;
  }

  private render(): void {
    this.renderChrome();
    const model = this.model;
    if (!model) return;
    const state = this.store.state;
    this.visible = applyFilters(model, state);
    this.filters.update(model, state, this.visible, model.graph.level);
    this.trafficKeys.hidden = !model.graph.observed;
    this.diffKeys.hidden = !model.graph.diff;
    this.renderStatus(model, this.visible);
    this.renderView(state.view);
  }

  private renderStatus(model: ViewModel, visible: Visible): void {
    let shown = 0;
    for (const from of visible.rows) {
      for (const to of visible.cols) if (from !== to && visible.pairEdge(from, to)) shown++;
    }
    const time = new Date().toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
    const level = model.graph.level === 'pod' ? 'pods' : 'workloads';
    const aggregated = model.graph.aggregated;
    this.status.textContent =
      `Generation ${model.graph.generation} · updated ${time} · ` +
      `${visible.nodes.length} of ${model.nodes.length} nodes (${level}), ${shown} connection${shown === 1 ? '' : 's'} shown` +
      (aggregated
        ? ` · ${aggregated.nodes.toLocaleString('en-US')} nodes in all, shown in groups: expand one (+) to see its members`
        : '') +
      (model.graph.diff ? ` · ${diffStatus(model.graph.diff)}` : '');
    setAttr(this.status, 'data-generation', model.graph.generation);
    setAttr(this.status, 'data-updates', this.updates);
  }

  private renderView(view: ViewMode): void {
    const model = this.model;
    const visible = this.visible;
    if (!model || !visible || this.fresh[view]) return;
    const panel = this.panels[view];
    const state = this.store.state;
    const hadFocus = panel.contains(document.activeElement) && document.activeElement !== panel;
    if (view === 'matrix') {
      renderMatrix(panel, {
        model,
        visible,
        ...(state.selected ? { selected: state.selected } : {}),
        ...(state.focus ? { focus: state.focus } : {}),
        takeFocus: hadFocus,
        onActivate: (pair) => this.requestExplain(pair, true),
        onFocus: (pair) => {
          if (!samePair(pair, this.store.state.focus)) this.store.update({ focus: pair });
        },
        onExpand: (id) => this.expand(id),
        onCollapse: (namespace) => this.collapse(namespace),
      });
    } else {
      const focusKey = hadFocus ? this.graphFocusKey(panel) : undefined;
      this.svgElement = renderGraph(panel, {
        model,
        visible,
        fit: state.fit,
        ...(state.selected ? { selected: state.selected } : {}),
        onActivate: (pair) => this.requestExplain(pair, true),
        onExpand: (id) => this.expand(id),
      });
      if (focusKey) this.restoreGraphFocus(panel, focusKey);
    }
    this.fresh[view] = true;
    panel.scrollLeft = state.scroll[view].left;
    panel.scrollTop = state.scroll[view].top;
  }

  /** The ids behind the focused graph element, to find it again after a re-render. */
  private graphFocusKey(panel: HTMLElement): string[] | undefined {
    const active = document.activeElement;
    const nodes = this.model?.nodes;
    if (!(active instanceof SVGElement) || !nodes || !panel.contains(active)) return undefined;
    const id = (index: string | undefined) => nodes[Number(index)]?.id;
    if (active.dataset.node !== undefined) return [id(active.dataset.node) ?? ''];
    return [id(active.dataset.from) ?? '', id(active.dataset.to) ?? ''];
  }

  private restoreGraphFocus(panel: HTMLElement, key: string[]): void {
    const index = (id: string | undefined) =>
      id === undefined ? undefined : this.model?.byId.get(id)?.index;
    for (const element of panel.querySelectorAll<SVGGElement>('g.node, g.edge')) {
      const match =
        key.length === 1
          ? index(key[0]) === Number(element.dataset.node)
          : index(key[0]) === Number(element.dataset.from) && index(key[1]) === Number(element.dataset.to);
      if (match) {
        element.focus({ preventScroll: true });
        return;
      }
    }
  }

  private saveScroll(): void {
    if (this.scrollFrame) return;
    this.scrollFrame = requestAnimationFrame(() => {
      this.scrollFrame = 0;
      const view = this.store.state.view;
      const panel = this.panels[view];
      this.store.update({
        scroll: { ...this.store.state.scroll, [view]: { left: panel.scrollLeft, top: panel.scrollTop } },
      });
    });
  }

  private requestExplain(pair: Pair, userAction: boolean): void {
    const port = this.visible?.query;
    const previous = this.store.state.selected;
    this.store.update({ selected: pair });
    this.pendingExplain = { ...pair, ...(port ? { port } : {}) };
    if (userAction || this.explain.kind !== 'result') {
      this.explain = { kind: 'loading', from: pair.from, to: pair.to, ...(port ? { port } : {}) };
      this.renderExplain();
    }
    this.post({ type: 'explain', from: pair.from, to: pair.to, ...(port ? { port } : {}) });
    if (userAction && !samePair(previous, pair)) this.markSelection();
  }

  /** Shows the selection in both views without rebuilding them (keeps focus where it is). */
  private markSelection(): void {
    const selected = this.store.state.selected;
    const nodes = this.model?.nodes ?? [];
    const isSelected = (from: string | undefined, to: string | undefined) =>
      selected !== undefined &&
      nodes[Number(from)]?.id === selected.from &&
      nodes[Number(to)]?.id === selected.to;
    const rows = this.visible?.rows ?? [];
    const cols = this.visible?.cols ?? [];
    for (const cell of this.panels.matrix.querySelectorAll<HTMLTableCellElement>('td.cell')) {
      const from = rows[Number(cell.dataset.row)];
      const to = cols[Number(cell.dataset.col)];
      const on = selected !== undefined && from?.id === selected.from && to?.id === selected.to;
      cell.classList.toggle('selected', on);
      setAttr(cell, 'aria-selected', on ? 'true' : 'false');
    }
    for (const edge of this.panels.graph.querySelectorAll<SVGGElement>('g.edge')) {
      const on = isSelected(edge.dataset.from, edge.dataset.to);
      edge.classList.toggle('selected', on);
      setSvgAttr(edge, 'aria-pressed', on ? 'true' : 'false');
    }
  }

  private renderExplain(): void {
    const selected = this.store.state.selected;
    const seen = selected && this.model ? trafficText(this.model, selected.from, selected.to) : undefined;
    const since = selected && this.model ? changeText(this.model, selected.from, selected.to) : undefined;
    renderExplanation(
      this.explainPane,
      this.explain,
      seen,
      {
        reveal: (location: SourceLocation) => this.post({ type: 'reveal', location }),
        close: () => {
          this.store.update({ selected: undefined });
          this.pendingExplain = undefined;
          this.explain = { kind: 'empty' };
          this.renderExplain();
          this.markSelection();
        },
      },
      since,
    );
  }

  private exportCsv(): void {
    if (!this.model || !this.visible) return;
    this.post({
      type: 'export',
      format: 'csv',
      content: matrixCsv(this.model, this.visible),
      suggestedName: suggestedName(this.model.graph.level, 'csv'),
    });
  }

  private exportSvg(): void {
    if (!this.model) return;
    if (!this.fresh.graph) this.renderView('graph');
    if (!this.svgElement) return;
    this.post({
      type: 'export',
      format: 'svg',
      content: graphSvg(this.svgElement),
      suggestedName: suggestedName(this.model.graph.level, 'svg'),
    });
  }
}

const root = document.getElementById('app');
if (root) new ReachabilityView(acquireVsCodeApi(), root);

/** `compared with HEAD: opens 3, closes 1; 2 changes not drawn (...)`. */
function diffStatus(diff: DiffOverlayJson): string {
  const parts = [`compared with ${diff.base}: opens ${diff.opens}, closes ${diff.closes}`];
  if (diff.isolation.length > 0)
    parts.push(
      diff.isolation
        .map(
          (i) => `${i.node} ${i.isolated ? 'becomes isolated' : 'is no longer isolated'} for ${i.direction}`,
        )
        .join(', '),
    );
  if (diff.notShown > 0)
    parts.push(
      `${diff.notShown} change${diff.notShown === 1 ? '' : 's'} not drawn (pods beyond the workspace, addresses, workloads of one version only, grouped nodes: run netpol-scope diff)`,
    );
  return parts.join('; ');
}
