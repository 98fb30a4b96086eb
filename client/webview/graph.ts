/**
 * The reachability graph: namespaces as groups (a dagre compound graph), nodes for workloads,
 * external blocks and the cluster DNS, edges labelled with ports; laid out with @dagrejs/dagre and
 * drawn as SVG with createElementNS and text nodes only. Nodes and edges are focusable; an edge
 * (click, Enter or Space) asks for its explanation, a node highlights its connections.
 * Layout keys are our own indices (`n0`, `g0`), never manifest ids.
 */
import dagre from '@dagrejs/dagre';
import type { EdgeLabel, GraphLabel, NodeLabel } from '@dagrejs/dagre';
import type { ReachEdgeJson } from '../../shared/protocol.js';
import { el, ellipsis, setSvgAttr, svg } from './dom.js';
import type { Visible } from './filters.js';
import type { ViewModel, ViewNode } from './model.js';
import { changeText, kindText, pairLabel, trafficOf, trafficText } from './model.js';
import { portsText } from './ports.js';
import type { Pair } from './state.js';
import { samePair } from './state.js';

export interface GraphOptions {
  readonly model: ViewModel;
  readonly visible: Visible;
  readonly selected?: Pair;
  readonly fit: boolean;
  onActivate(pair: Pair): void;
  /** Show a group node's members (double-click, or `+` on the focused node). */
  onExpand(id: string): void;
}

interface Point {
  readonly x: number;
  readonly y: number;
}

const fontSize = 12;
const nodeHeight = 40;
const nodePadding = 12;
const maxNodeWidth = 240;
const labelMax = 28;
const clusterTitle = 20;

/** Past this many connections the layout would take too long: the view asks for narrower filters. */
export const maxGraphEdges = 2000;

let measureContext: CanvasRenderingContext2D | null | undefined;
let fontFamily = 'sans-serif';

/** Text width in pixels in the view's font (an estimate where canvas is unavailable). */
function textWidth(value: string, size = fontSize, weight = 'normal'): number {
  if (measureContext === undefined) {
    measureContext = document.createElement('canvas').getContext('2d');
  }
  if (!measureContext) return value.length * size * 0.6;
  measureContext.font = `${weight} ${size}px ${fontFamily}`;
  return measureContext.measureText(value).width;
}

/** The longest prefix of `value` (with an ellipsis) that fits `max` pixels. */
function fitText(value: string, max: number, size = fontSize, weight = 'normal'): string {
  if (textWidth(value, size, weight) <= max) return value;
  let low = 1;
  let high = value.length - 1;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (textWidth(ellipsis(value, mid), size, weight) <= max) low = mid;
    else high = mid - 1;
  }
  return ellipsis(value, low);
}

/** A smooth path through dagre's points (the uniform B-spline of d3's curveBasis). */
export function basisPath(points: readonly Point[]): string {
  const f = (n: number) => (Math.round(n * 10) / 10).toString();
  if (points.length === 0) return '';
  const first = points[0]!;
  if (points.length < 3) {
    return points.map((p, i) => `${i === 0 ? 'M' : 'L'}${f(p.x)},${f(p.y)}`).join(' ');
  }
  const parts = [`M${f(first.x)},${f(first.y)}`];
  let x0 = first.x;
  let y0 = first.y;
  let x1 = points[1]!.x;
  let y1 = points[1]!.y;
  const curve = (x: number, y: number) =>
    parts.push(
      `C${f((2 * x0 + x1) / 3)},${f((2 * y0 + y1) / 3)} ${f((x0 + 2 * x1) / 3)},${f((y0 + 2 * y1) / 3)} ` +
        `${f((x0 + 4 * x1 + x) / 6)},${f((y0 + 4 * y1 + y) / 6)}`,
    );
  parts.push(`L${f((5 * x0 + x1) / 6)},${f((5 * y0 + y1) / 6)}`);
  for (let i = 2; i < points.length; i++) {
    const p = points[i]!;
    curve(p.x, p.y);
    x0 = x1;
    y0 = y1;
    x1 = p.x;
    y1 = p.y;
  }
  curve(x1, y1);
  parts.push(`L${f(x1)},${f(y1)}`);
  return parts.join(' ');
}

function nodeSubtitle(node: ViewNode): string {
  const group = node.node.group;
  if (group) {
    const what = group.kind === 'external' ? 'address blocks' : 'pods';
    return `Group · ${group.pods.toLocaleString('en-US')} ${what}${group.expandable ? ' · double-click to expand' : ''}`;
  }
  if (node.group.kind === 'external') {
    const n = node.node.ranges?.length ?? 1;
    return `External · ${n} range${n === 1 ? '' : 's'}`;
  }
  if (node.group.kind === 'dns') return node.node.kind === 'DNS' ? 'Cluster DNS' : `${node.node.kind} · DNS`;
  return kindText(node);
}

function edgeKind(edge: ReachEdgeJson): 'all' | 'some' {
  return edge.all ? 'all' : 'some';
}

/** Lays out and draws the graph into `container`; returns the SVG (for export), or undefined if empty. */
export function renderGraph(container: HTMLElement, options: GraphOptions): SVGSVGElement | undefined {
  const { model, visible } = options;
  // Edges go from a shown source (row) to a shown destination (column).
  const isRow = new Set(visible.rows);
  const isCol = new Set(visible.cols);
  const shown: Array<{ edge: ReachEdgeJson; from: ViewNode; to: ViewNode }> = [];
  for (const from of visible.rows) {
    for (const to of visible.cols) {
      const edge = from === to ? undefined : visible.pairEdge(from, to);
      if (edge) shown.push({ edge, from, to });
    }
  }
  // A narrower question (a port, from:/to:) leaves out nodes without an answer.
  const connected = new Set(shown.flatMap((e) => [e.from, e.to]));
  const groups = visible.groups
    .map((g) => ({
      group: g.group,
      nodes: g.nodes.filter((n) => (visible.narrowed ? connected.has(n) : isRow.has(n) || isCol.has(n))),
    }))
    .filter((g) => g.nodes.length > 0);
  const nodes = groups.flatMap((g) => g.nodes);
  if (shown.length > maxGraphEdges) {
    container.replaceChildren(
      el(
        'p',
        { class: 'empty' },
        `${shown.length} connections are too many to draw: narrow the filters (namespaces, search, port) or use the matrix.`,
      ),
    );
    return undefined;
  }
  fontFamily = getComputedStyle(document.body).fontFamily || 'sans-serif';
  if (nodes.length === 0) {
    const p = el(
      'p',
      { class: 'empty' },
      visible.narrowed ? 'No connections match the filters.' : 'No workloads match the filters.',
    );
    container.replaceChildren(p);
    return undefined;
  }

  const g = new dagre.graphlib.Graph<GraphLabel, NodeLabel, EdgeLabel>({ compound: true, multigraph: false });
  g.setGraph({
    rankdir: 'TB',
    nodesep: 30,
    ranksep: 50,
    edgesep: 12,
    marginx: 24,
    marginy: 24 + clusterTitle,
  });
  g.setDefaultEdgeLabel(() => ({}));

  const keyOf = new Map<ViewNode, string>();
  const names = new Map<ViewNode, [string, string]>();
  groups.forEach((vg, gi) => {
    const groupKey = `g${gi}`;
    g.setNode(groupKey, { width: 0, height: 0 });
    for (const node of vg.nodes) {
      const key = `n${node.index}`;
      keyOf.set(node, key);
      const room = maxNodeWidth - 2 * nodePadding;
      const name = fitText(node.short, room, fontSize, 'bold');
      const subtitle = fitText(nodeSubtitle(node), room, fontSize - 1);
      names.set(node, [name, subtitle]);
      const width =
        Math.max(textWidth(name, fontSize, 'bold'), textWidth(subtitle, fontSize - 1)) + 2 * nodePadding;
      g.setNode(key, { width: Math.max(90, Math.ceil(width)), height: nodeHeight });
      g.setParent(key, groupKey);
    }
  });

  const edges: Array<{
    key: { v: string; w: string };
    edge: ReachEdgeJson;
    from: ViewNode;
    to: ViewNode;
    label: string;
  }> = [];
  for (const { edge, from, to } of shown) {
    const observed = model.observed(from.id, to.id);
    const ports = edge.all ? 'all' : edge.ports.length > 0 ? portsText(edge) : 'denied';
    // With observed flows, the label adds how many were seen; compared with a base version, what changed.
    const change = model.changed(from.id, to.id);
    const mark = change
      ? change.kind === 'added'
        ? ' · new'
        : change.kind === 'removed'
          ? ' · closed'
          : ' · changed'
      : '';
    const label = ellipsis(
      `${observed ? `${ports} · ${observed.count.toLocaleString('en-US')} seen` : ports}${mark}`,
      labelMax,
    );
    const v = keyOf.get(from)!;
    const w = keyOf.get(to)!;
    g.setEdge(v, w, { width: textWidth(label, fontSize - 1) + 8, height: fontSize + 6, labelpos: 'c' });
    edges.push({ key: { v, w }, edge, from, to, label });
  }

  dagre.layout(g);
  const size = g.graph();
  const width = Math.ceil(size.width ?? 0);
  const height = Math.ceil(size.height ?? 0);

  const root = svg('svg', {
    xmlns: 'http://www.w3.org/2000/svg',
    class: `graph${options.fit ? ' fit' : ''}${model.graph.diff ? ' diff-mode' : ''}`,
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    role: 'group',
    'aria-label': `Reachability graph: ${nodes.length} nodes, ${edges.length} connections`,
  });
  root.appendChild(svg('title', {}, 'Reachability graph'));
  const defs = svg('defs');
  for (const kind of ['all', 'some'] as const) {
    defs.appendChild(
      svg(
        'marker',
        {
          id: `arrow-${kind}`,
          class: `arrow arrow-${kind}`,
          viewBox: '0 0 10 10',
          refX: 9,
          refY: 5,
          markerWidth: 7,
          markerHeight: 7,
          orient: 'auto-start-reverse',
          markerUnits: 'strokeWidth',
        },
        svg('path', { d: 'M0,0 L10,5 L0,10 z' }),
      ),
    );
  }
  root.appendChild(defs);

  // Groups first (below), then edges, then nodes on top.
  const groupLayer = svg('g', { class: 'clusters' });
  groups.forEach((vg, gi) => {
    const box = g.node(`g${gi}`);
    if (!box || box.x === undefined || box.y === undefined) return;
    const x = box.x - box.width / 2;
    const y = box.y - box.height / 2 - clusterTitle;
    groupLayer.appendChild(
      svg(
        'g',
        { class: `cluster group-${vg.group.kind}`, role: 'group', 'aria-label': `Group ${vg.group.label}` },
        svg('rect', { x, y, width: box.width, height: box.height + clusterTitle, rx: 6, ry: 6 }),
        svg('text', { class: 'cluster-label', x: x + 8, y: y + 14 }, ellipsis(vg.group.label, 60)),
      ),
    );
  });
  root.appendChild(groupLayer);

  const edgeLayer = svg('g', { class: 'edges' });
  const edgeElements: Array<{ element: SVGGElement; from: ViewNode; to: ViewNode }> = [];
  for (const e of edges) {
    const layout = g.edge(e.key.v, e.key.w);
    const points = layout?.points ?? [];
    const d = basisPath(points);
    const kind = edgeKind(e.edge);
    const traffic = trafficOf(model, e.from.id, e.to.id);
    const seen = trafficText(model, e.from.id, e.to.id);
    const change = model.changed(e.from.id, e.to.id);
    const since = changeText(model, e.from.id, e.to.id);
    const full = `${e.edge.all || e.edge.ports.length > 0 ? portsText(e.edge) : 'no traffic allowed'}${seen ? `; ${seen}` : ''}${since ? `; ${since}` : ''}`;
    const selected = samePair({ from: e.from.id, to: e.to.id }, options.selected);
    const group = svg(
      'g',
      {
        class: `edge edge-${kind}${traffic ? ` traffic-${traffic}` : ''}${change ? ` diff-${change.kind}` : ''}${selected ? ' selected' : ''}`,
        tabindex: 0,
        role: 'button',
        'aria-label': pairLabel(e.from, e.to, full),
        'aria-pressed': selected ? 'true' : 'false',
        'data-from': e.from.index,
        'data-to': e.to.index,
      },
      svg('title', {}, pairLabel(e.from, e.to, full)),
      svg('path', { class: 'edge-hit', d }),
      svg('path', { class: 'edge-line', d, 'marker-end': `url(#arrow-${kind})` }),
    );
    if (layout?.x !== undefined && layout.y !== undefined && layout.width !== undefined) {
      const w = layout.width;
      const h = layout.height ?? fontSize + 6;
      group.appendChild(
        svg('rect', {
          class: 'edge-label-bg',
          x: layout.x - w / 2,
          y: layout.y - h / 2,
          width: w,
          height: h,
          rx: 3,
          ry: 3,
        }),
      );
      group.appendChild(
        svg(
          'text',
          {
            class: 'edge-label',
            x: layout.x,
            y: layout.y,
            'text-anchor': 'middle',
            'dominant-baseline': 'central',
          },
          e.label,
        ),
      );
    }
    edgeLayer.appendChild(group);
    edgeElements.push({ element: group, from: e.from, to: e.to });
  }
  root.appendChild(edgeLayer);

  const nodeLayer = svg('g', { class: 'nodes' });
  const nodeElements = new Map<SVGGElement, ViewNode>();
  for (const node of nodes) {
    const box = g.node(keyOf.get(node)!);
    if (!box || box.x === undefined || box.y === undefined) continue;
    const x = box.x - box.width / 2;
    const y = box.y - box.height / 2;
    const subtitle = nodeSubtitle(node);
    const element = svg(
      'g',
      {
        class: `node node-${node.group.kind}`,
        tabindex: 0,
        role: 'button',
        'aria-pressed': 'false',
        'aria-label': `${node.label} (${subtitle}): highlight its connections`,
        transform: `translate(${Math.round(x * 10) / 10},${Math.round(y * 10) / 10})`,
        'data-node': node.index,
      },
      svg('title', {}, `${node.id} (${subtitle})`),
      svg('rect', { width: box.width, height: box.height, rx: 4, ry: 4 }),
      svg('text', { class: 'node-name', x: nodePadding, y: 17 }, names.get(node)?.[0] ?? ''),
      svg('text', { class: 'node-kind', x: nodePadding, y: 32 }, names.get(node)?.[1] ?? ''),
    );
    nodeLayer.appendChild(element);
    nodeElements.set(element, node);
  }
  root.appendChild(nodeLayer);

  // Interaction: edges explain, nodes highlight.
  let highlighted: ViewNode | undefined;
  const highlight = (node: ViewNode | undefined) => {
    highlighted = node;
    root.classList.toggle('highlighting', node !== undefined);
    for (const [element, n] of nodeElements) {
      const on = n === node;
      element.classList.toggle('highlighted', on);
      setSvgAttr(element, 'aria-pressed', on ? 'true' : 'false');
    }
    for (const e of edgeElements) {
      e.element.classList.toggle('highlighted', node !== undefined && (e.from === node || e.to === node));
    }
  };
  const targetOf = (target: EventTarget | null): SVGGElement | undefined => {
    if (!(target instanceof Element)) return undefined;
    return (target.closest('g.edge, g.node') as SVGGElement | null) ?? undefined;
  };
  const act = (element: SVGGElement) => {
    if (element.classList.contains('edge')) {
      const from = nodes.find((n) => n.index === Number(element.dataset.from));
      const to = nodes.find((n) => n.index === Number(element.dataset.to));
      if (from && to) options.onActivate({ from: from.id, to: to.id });
      return;
    }
    const node = nodeElements.get(element);
    highlight(node === highlighted ? undefined : node);
  };
  root.addEventListener('click', (event) => {
    const element = targetOf(event.target);
    if (element) act(element);
  });
  const expand = (element: SVGGElement | undefined) => {
    const node = element ? nodeElements.get(element) : undefined;
    if (node?.node.group?.expandable) options.onExpand(node.id);
  };
  root.addEventListener('dblclick', (event) => expand(targetOf(event.target)));
  root.addEventListener('keydown', (event) => {
    if (event.key === '+') return expand(targetOf(event.target));
    if (event.key !== 'Enter' && event.key !== ' ') return;
    const element = targetOf(event.target);
    if (!element) return;
    event.preventDefault();
    act(element);
  });

  container.replaceChildren(root);
  return root;
}
