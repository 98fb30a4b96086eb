/**
 * Exports: the matrix as CSV (`from,to,ports`, one row per shown connection) and the graph as a
 * standalone SVG. The webview cannot write files: the content is posted to the extension host, which
 * asks where to save it.
 */
import type { ReachLevel } from '../../shared/protocol.js';
import { setSvgAttr } from './dom.js';
import type { Visible } from './filters.js';
import type { ViewModel } from './model.js';
import { portsText } from './ports.js';

/**
 * One CSV field: always quoted (ids may hold commas, quotes and newlines), and text a spreadsheet would
 * evaluate as a formula (`=`, `+`, `-`, `@`, tab, carriage return first) is prefixed with `'`.
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

/** The connections shown by the matrix (with a port query: those allowing the port) as CSV. */
export function matrixCsv(model: ViewModel, visible: Visible): string {
  const rows = ['from,to,ports'];
  for (const from of visible.rows) {
    for (const to of visible.cols) {
      if (from === to) continue;
      const edge = model.edge(from.id, to.id);
      if (!visible.edgeShown(edge)) continue;
      rows.push([from.id, to.id, portsText(edge)].map(csvField).join(','));
    }
  }
  return rows.join('\r\n') + '\r\n';
}

/** Presentation properties copied from the live styles, so the file looks the same without our CSS. */
const inherited = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-dasharray',
  'stroke-opacity',
  'font-family',
  'font-size',
  'font-weight',
] as const;

/**
 * The graph as a standalone SVG document: a copy whose elements carry their computed presentation as
 * attributes (only where it differs from the parent's; values from the browser's computed style, not
 * from data), without classes or tab stops, on the theme's background; serialised with XMLSerializer.
 */
export function graphSvg(live: SVGSVGElement): string {
  const copy = live.cloneNode(true) as SVGSVGElement;
  const liveElements = [live, ...live.querySelectorAll('*')];
  const copyElements = [copy, ...copy.querySelectorAll('*')];
  const computed = new Map<Element, Map<string, string>>();
  liveElements.forEach((element, i) => {
    const target = copyElements[i];
    if (!(element instanceof SVGElement) || !(target instanceof SVGElement)) return;
    target.removeAttribute('tabindex');
    target.removeAttribute('class');
    if (element instanceof SVGTitleElement) return;
    const style = getComputedStyle(element);
    const values = new Map<string, string>();
    computed.set(element, values);
    const parent = element === live ? undefined : computed.get(element.parentElement as Element);
    for (const property of inherited) {
      const value = style.getPropertyValue(property);
      values.set(property, value);
      if (value && value !== parent?.get(property)) setSvgAttr(target, property, value);
    }
    const opacity = style.getPropertyValue('opacity');
    if (opacity && opacity !== '1') setSvgAttr(target, 'opacity', opacity);
  });
  const background = getComputedStyle(document.body).backgroundColor;
  const rect = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
  setSvgAttr(rect, 'width', copy.getAttribute('width') ?? '0');
  setSvgAttr(rect, 'height', copy.getAttribute('height') ?? '0');
  setSvgAttr(rect, 'fill', background || '#ffffff');
  setSvgAttr(rect, 'stroke', 'none');
  copy.insertBefore(rect, copy.firstChild);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(copy)}\n`;
}

export function suggestedName(level: ReachLevel, format: 'csv' | 'svg'): string {
  return `reachability-${level}.${format}`;
}
