/**
 * The reachability matrix: a real `<table role="grid">`, rows are sources and columns destinations,
 * grouped by namespace (then external blocks, then the cluster DNS). Each cell says what is allowed in
 * words and a symbol as well as colour. One cell holds the tab stop (roving tabindex); arrow keys,
 * Home/End and PageUp/PageDown move it; Enter, Space or a click asks for the explanation.
 */
import { el, ellipsis, setAttr } from './dom.js';
import type { Visible } from './filters.js';
import type { ViewModel, ViewNode } from './model.js';
import { changeText, kindText, pairLabel, trafficOf, trafficText } from './model.js';
import type { Traffic } from './model.js';
import { allowsPort, portsText, queryText } from './ports.js';
import type { Pair } from './state.js';
import { samePair } from './state.js';

export type CellKind = 'all' | 'some' | 'none' | 'self' | 'allowed' | 'denied';

export interface CellView {
  readonly kind: CellKind;
  /** Against observed flows (model.ts Traffic), when they are loaded. */
  readonly traffic?: Traffic;
  /** A symbol so that colour is not the only cue. */
  readonly symbol: string;
  /** Short text shown in the cell. */
  readonly text: string;
  /** The full verdict for the accessible name and the tooltip. */
  readonly verdict: string;
}

const cellTextMax = 18;

/** Past this many cells the table gets too slow to build and use: the view asks for narrower filters. */
export const maxMatrixCells = 90_000;

/** Past this many cells a cell is one text node (see renderMatrix). */
const largeMatrixCells = 2_500;

/**
 * What a matrix cell shows for a pair: what the policies allow and, with observed flows loaded, what was
 * observed (the traffic filter leaves other cells empty).
 */
export function cellView(model: ViewModel, visible: Visible, from: ViewNode, to: ViewNode): CellView {
  const base = policyCellView(model, visible, from, to);
  if (!model.graph.observed || base.kind === 'self') return base;
  const traffic = trafficOf(model, from.id, to.id);
  if (visible.traffic !== 'all' && traffic !== visible.traffic)
    return {
      kind: 'none',
      symbol: ' ',
      text: '',
      verdict: `${base.verdict} (not ${filterWords[visible.traffic]})`,
    };
  if (traffic === undefined) return base;
  const seen = trafficText(model, from.id, to.id)!;
  const observed = model.observed(from.id, to.id);
  if (traffic === 'denied' && (base.kind === 'none' || base.kind === 'denied'))
    return {
      kind: base.kind,
      traffic,
      symbol: '⚠',
      text: ellipsis(`${observed!.count.toLocaleString('en-US')} seen, denied`, cellTextMax),
      verdict: `${base.verdict}; ${seen}`,
    };
  return { ...base, traffic, verdict: `${base.verdict}; ${seen}` };
}

const filterWords = {
  all: 'any',
  observed: 'observed and allowed',
  denied: 'observed but denied',
  unobserved: 'allowed but never observed',
} as const;

function policyCellView(model: ViewModel, visible: Visible, from: ViewNode, to: ViewNode): CellView {
  // A group's own cell is the traffic among its members, as is that of a node standing for several pods
  // whose traffic among themselves policies decide (`replicas`); a single pod's traffic to itself is
  // not judged.
  if (from === to && !from.node.group && from.node.replicas !== true)
    return { kind: 'self', symbol: '·', text: 'n/a', verdict: 'not applicable (same node)' };
  const edge = model.edge(from.id, to.id);
  const pairs = edge?.pairs;
  const total = edge?.total;
  const counted = pairs !== undefined && total !== undefined;
  const share = counted
    ? ` (${pairs.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} pod pairs)`
    : '';
  if (edge && counted && !visible.query && pairs < total && pairs > 0) {
    const ports = edge.all ? 'all ports' : portsText(edge);
    return {
      kind: 'some',
      symbol: '◐',
      text: ellipsis(`${pairs.toLocaleString('en-US')}/${total.toLocaleString('en-US')}`, cellTextMax),
      verdict: `${ports}${share}`,
    };
  }
  if (visible.query) {
    const q = queryText(visible.query);
    return allowsPort(edge, visible.query)
      ? { kind: 'allowed', symbol: '✓', text: q, verdict: `${q} allowed` }
      : { kind: 'denied', symbol: '✕', text: 'denied', verdict: `${q} denied` };
  }
  if (!edge || (!edge.all && edge.ports.length === 0)) {
    return { kind: 'none', symbol: '✕', text: 'none', verdict: 'no traffic allowed' };
  }
  if (edge.all) return { kind: 'all', symbol: '●', text: 'all', verdict: `all ports${share}` };
  const ports = portsText(edge);
  return { kind: 'some', symbol: '◐', text: ellipsis(ports, cellTextMax), verdict: `${ports}${share}` };
}

export interface MatrixOptions {
  readonly model: ViewModel;
  readonly visible: Visible;
  readonly selected?: Pair;
  /** The cell holding the tab stop. */
  readonly focus?: Pair;
  /** Move keyboard focus to the tab-stop cell after rendering (it had focus before). */
  readonly takeFocus: boolean;
  onActivate(pair: Pair): void;
  onFocus(pair: Pair): void;
  /** Show a group node's members (an aggregated graph). */
  onExpand(id: string): void;
  /** Show an expanded namespace as one node again. */
  onCollapse(namespace: string): void;
}

/** The button that expands a group node, in its row header. */
function expandButton(node: ViewNode): HTMLButtonElement | undefined {
  const group = node.node.group;
  if (!group?.expandable) return undefined;
  return el(
    'button',
    {
      type: 'button',
      class: 'expand',
      'data-expand': node.id,
      'aria-label': `Expand ${node.label}`,
      title: `Show the ${group.nodes.toLocaleString('en-US')} nodes it stands for`,
    },
    '+',
  );
}

export function renderMatrix(container: HTMLElement, options: MatrixOptions): void {
  const { model, visible } = options;
  const { rows, cols } = visible;
  if (rows.length === 0 || cols.length === 0) {
    container.replaceChildren(el('p', { class: 'empty' }, 'No workloads match the filters.'));
    return;
  }

  if (rows.length * cols.length > maxMatrixCells) {
    container.replaceChildren(
      el(
        'p',
        { class: 'empty' },
        `${rows.length} × ${cols.length} cells are too many to show: narrow the filters (namespaces, search, from:/to:).`,
      ),
    );
    return;
  }

  const table = el('table', {
    class: 'matrix',
    role: 'grid',
    'aria-label': 'Reachability matrix: rows are sources, columns are destinations',
    'aria-rowcount': rows.length + 2,
    'aria-colcount': cols.length + 2,
  });
  table.appendChild(
    el(
      'caption',
      {},
      visible.query
        ? `Rows: from · Columns: to · who can reach ${queryText(visible.query)}`
        : 'Rows: from · Columns: to',
    ),
  );
  // A large matrix holds one text node per cell instead of two spans: a third of the elements to
  // style and lay out (laying out tens of thousands of cells is most of the time it takes to show them).
  const large = rows.length * cols.length > largeMatrixCells;
  table.appendChild(el('colgroup', { class: 'headers', span: 2 }));
  for (const g of visible.colGroups) {
    table.appendChild(el('colgroup', { class: `group group-${g.group.kind}`, span: g.nodes.length }));
  }

  const groupRow = el(
    'tr',
    { class: 'col-groups' },
    el(
      'td',
      { class: 'corner', colspan: 2, rowspan: 2 },
      el('span', { class: 'corner-text' }, 'from ↓  to →'),
    ),
  );
  const nameRow = el('tr', { class: 'col-names' });
  for (const g of visible.colGroups) {
    groupRow.appendChild(
      el('th', { scope: 'colgroup', colspan: g.nodes.length, class: `group-${g.group.kind}` }, g.group.label),
    );
    for (const n of g.nodes) {
      nameRow.appendChild(
        el('th', { scope: 'col', title: `${n.id} (${kindText(n)})`, class: 'col-name' }, n.short),
      );
    }
  }
  table.appendChild(el('thead', {}, groupRow, nameRow));

  const cells: HTMLTableCellElement[][] = [];
  const focusPair = [options.focus, options.selected].find(
    (p) => p !== undefined && rows.some((n) => n.id === p.from) && cols.some((n) => n.id === p.to),
  );
  let row = 0;
  const aggregated = model.graph.aggregated !== undefined;
  for (const g of visible.rowGroups) {
    const body = el('tbody', { class: `group-${g.group.kind}` });
    // A namespace of an aggregated graph shown node by node was expanded: it can be collapsed again.
    const expandedNamespace =
      aggregated &&
      g.group.kind === 'namespace' &&
      !g.nodes.some((n) => n.node.group?.kind === 'namespace' || n.node.group?.kind === 'namespaces');
    g.nodes.forEach((from, i) => {
      const tr = el('tr', {});
      if (i === 0) {
        const namespace = g.nodes[0]!.node.namespace;
        tr.appendChild(
          el(
            'th',
            { scope: 'rowgroup', rowspan: g.nodes.length, class: `row-group group-${g.group.kind}` },
            g.group.label,
            expandedNamespace
              ? el(
                  'button',
                  {
                    type: 'button',
                    class: 'collapse',
                    'data-collapse': namespace,
                    'aria-label': `Collapse namespace ${namespace}`,
                    title: 'Show the namespace as one node again',
                  },
                  '−',
                )
              : undefined,
          ),
        );
      }
      tr.appendChild(
        el(
          'th',
          {
            scope: 'row',
            class: `row-name${from.node.group ? ' group-node' : ''}`,
            title: `${from.id} (${from.node.group ? from.label : kindText(from)})`,
          },
          from.short,
          expandButton(from),
        ),
      );
      const rowCells: HTMLTableCellElement[] = [];
      cols.forEach((to, col) => {
        const view = cellView(model, visible, from, to);
        const pair = { from: from.id, to: to.id };
        const selected = samePair(pair, options.selected);
        const stop = focusPair ? samePair(pair, focusPair) : row === 0 && col === 0;
        const change = model.changed(from.id, to.id);
        const since = changeText(model, from.id, to.id);
        const verdict = since ? `${view.verdict}; ${since}` : view.verdict;
        const td = el(
          'td',
          {
            class: `cell cell-${view.kind}${view.traffic ? ` traffic-${view.traffic}` : ''}${change ? ` diff-${change.kind}` : ''}${selected ? ' selected' : ''}`,
            tabindex: stop ? 0 : -1,
            'aria-label': pairLabel(from, to, verdict),
            'aria-selected': selected ? 'true' : 'false',
            title: view.text === verdict ? undefined : verdict,
            'data-row': row,
            'data-col': col,
          },
          ...(large
            ? [`${view.symbol} ${view.text}`]
            : [
                el('span', { class: 'sym', 'aria-hidden': 'true' }, view.symbol),
                el('span', { class: 'txt', 'aria-hidden': 'true' }, view.text),
              ]),
        );
        rowCells.push(td);
        tr.appendChild(td);
      });
      cells.push(rowCells);
      body.appendChild(tr);
      row++;
    });
    table.appendChild(body);
  }

  const pairAt = (td: HTMLTableCellElement): Pair | undefined => {
    const r = Number(td.dataset.row);
    const c = Number(td.dataset.col);
    const from = rows[r];
    const to = cols[c];
    return from && to ? { from: from.id, to: to.id } : undefined;
  };
  const cellOf = (target: EventTarget | null): HTMLTableCellElement | undefined =>
    target instanceof Element
      ? ((target.closest('td.cell') as HTMLTableCellElement | null) ?? undefined)
      : undefined;
  const activate = (td: HTMLTableCellElement) => {
    const pair = pairAt(td);
    if (pair && (pair.from !== pair.to || model.byId.get(pair.from)?.node.group)) options.onActivate(pair);
  };
  const moveTo = (r: number, c: number) => {
    const rr = Math.max(0, Math.min(cells.length - 1, r));
    const cc = Math.max(0, Math.min(cols.length - 1, c));
    const target = cells[rr]?.[cc];
    if (!target) return;
    for (const cell of table.querySelectorAll('td.cell[tabindex="0"]')) setAttr(cell, 'tabindex', -1);
    setAttr(target, 'tabindex', 0);
    target.focus();
  };

  table.addEventListener('click', (event) => {
    const button = event.target instanceof Element ? event.target.closest('button') : null;
    if (button?.dataset.expand !== undefined) return options.onExpand(button.dataset.expand);
    if (button?.dataset.collapse !== undefined) return options.onCollapse(button.dataset.collapse);
    const td = cellOf(event.target);
    if (!td) return;
    td.focus();
    activate(td);
  });
  table.addEventListener('focusin', (event) => {
    const td = cellOf(event.target);
    if (!td) return;
    for (const cell of table.querySelectorAll('td.cell[tabindex="0"]')) {
      if (cell !== td) setAttr(cell, 'tabindex', -1);
    }
    setAttr(td, 'tabindex', 0);
    const pair = pairAt(td);
    if (pair) options.onFocus(pair);
  });
  table.addEventListener('keydown', (event) => {
    const td = cellOf(event.target);
    if (!td) return;
    const r = Number(td.dataset.row);
    const c = Number(td.dataset.col);
    const page = 10;
    switch (event.key) {
      case 'ArrowRight':
        moveTo(r, c + 1);
        break;
      case 'ArrowLeft':
        moveTo(r, c - 1);
        break;
      case 'ArrowDown':
        moveTo(r + 1, c);
        break;
      case 'ArrowUp':
        moveTo(r - 1, c);
        break;
      case 'Home':
        moveTo(event.ctrlKey ? 0 : r, 0);
        break;
      case 'End':
        moveTo(event.ctrlKey ? cells.length - 1 : r, cols.length - 1);
        break;
      case 'PageDown':
        moveTo(r + page, c);
        break;
      case 'PageUp':
        moveTo(r - page, c);
        break;
      case 'Enter':
      case ' ':
        activate(td);
        break;
      default:
        return;
    }
    event.preventDefault();
  });

  container.replaceChildren(table);
  if (options.takeFocus) {
    const stop = table.querySelector<HTMLTableCellElement>('td.cell[tabindex="0"]');
    stop?.focus({ preventScroll: true });
  }
}
