/**
 * The only way the webview builds DOM. Text goes in with `textContent` / `createTextNode`, never as
 * markup; attributes go through an allow-list of names that cannot execute anything (no `on*`, no
 * `href`/`src`, no `style`), checked when typed and again at run time. Manifest data (ids, names,
 * namespaces, ports text, explanation text) is hostile and may only reach the page through here.
 */

/** HTML attributes the view may set; none of them can run script or load a resource. */
const htmlAttributes = [
  'class',
  'id',
  'role',
  'tabindex',
  'title',
  'type',
  'name',
  'value',
  'for',
  'scope',
  'colspan',
  'rowspan',
  'span',
  'placeholder',
  'autocomplete',
  'spellcheck',
  'inputmode',
  'lang',
  'dir',
] as const;

/** SVG presentation and geometry attributes (the graph and its export). */
const svgAttributes = [
  'class',
  'id',
  'role',
  'tabindex',
  'xmlns',
  'viewBox',
  'width',
  'height',
  'preserveAspectRatio',
  'x',
  'y',
  'x1',
  'y1',
  'x2',
  'y2',
  'cx',
  'cy',
  'r',
  'rx',
  'ry',
  'd',
  'points',
  'transform',
  'text-anchor',
  'dominant-baseline',
  'marker-end',
  'markerWidth',
  'markerHeight',
  'refX',
  'refY',
  'orient',
  'markerUnits',
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-dasharray',
  'stroke-opacity',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
] as const;

export type HtmlAttributeName = (typeof htmlAttributes)[number] | `aria-${string}` | `data-${string}`;
export type SvgAttributeName = (typeof svgAttributes)[number] | `aria-${string}` | `data-${string}`;

/** A value; `false`/`undefined` leave the attribute out, `true` sets it empty (boolean attributes). */
export type AttributeValue = string | number | boolean | undefined;

export type HtmlAttributes = Partial<Record<HtmlAttributeName, AttributeValue>>;
export type SvgAttributes = Partial<Record<SvgAttributeName, AttributeValue>>;

/** Boolean HTML attributes, set through properties where the property is the live state. */
const booleanAttributes = new Set(['hidden', 'disabled', 'checked', 'selected', 'multiple', 'readonly']);

const htmlAllowed: ReadonlySet<string> = new Set<string>([...htmlAttributes, ...booleanAttributes]);
const svgAllowed: ReadonlySet<string> = new Set<string>(svgAttributes);
const patterned = /^(aria|data)-[a-z][a-z0-9-]*$/;

function checkName(name: string, allowed: ReadonlySet<string>): void {
  // Defence in depth: the types already forbid these, but names could come from a cast.
  if (/^on/i.test(name) || !(allowed.has(name) || patterned.test(name))) {
    throw new Error(`attribute not allowed: ${name}`);
  }
}

/** Sets (or removes) one allow-listed HTML attribute. */
export function setAttr(
  element: Element,
  name: HtmlAttributeName | 'hidden' | 'disabled',
  value: AttributeValue,
): void {
  checkName(name, htmlAllowed);
  if (value === undefined || value === false) element.removeAttribute(name);
  else element.setAttribute(name, value === true ? '' : String(value));
}

/** Sets (or removes) one allow-listed SVG attribute. */
export function setSvgAttr(element: SVGElement, name: SvgAttributeName, value: AttributeValue): void {
  checkName(name, svgAllowed);
  if (value === undefined || value === false) element.removeAttribute(name);
  else element.setAttribute(name, value === true ? '' : String(value));
}

export type Child = Node | string | number | null | undefined | false;

function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/** Flags for `el`: booleans that are properties as much as attributes. */
export interface ElementFlags {
  readonly hidden?: boolean;
  readonly disabled?: boolean;
  readonly checked?: boolean;
  readonly selected?: boolean;
  readonly multiple?: boolean;
}

/** An HTML element with allow-listed attributes; string children become text nodes. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: HtmlAttributes & ElementFlags = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes) as Array<[string, AttributeValue]>) {
    if (booleanAttributes.has(name)) {
      checkName(name, htmlAllowed);
      if (value) element.setAttribute(name, '');
      if (name === 'checked' && element instanceof HTMLInputElement) element.checked = Boolean(value);
      if (name === 'selected' && element instanceof HTMLOptionElement) element.selected = Boolean(value);
      continue;
    }
    setAttr(element, name as HtmlAttributeName, value);
  }
  append(element, children);
  return element;
}

const svgNs = 'http://www.w3.org/2000/svg';

/** An SVG element with allow-listed attributes; string children become text nodes. */
export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: SvgAttributes = {},
  ...children: Child[]
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(svgNs, tag) as SVGElementTagNameMap[K];
  for (const [name, value] of Object.entries(attributes) as Array<[string, AttributeValue]>) {
    setSvgAttr(element, name as SvgAttributeName, value);
  }
  append(element, children);
  return element;
}

/** A text node: the one way a string becomes page content. */
export function text(value: string): Text {
  return document.createTextNode(value);
}

/** Replaces an element's children (text stays text). */
export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** Adds or removes a class. */
export function toggleClass(element: Element, name: string, on: boolean): void {
  element.classList.toggle(name, on);
}

/** Shortens a string for display (the full text belongs in a title or label). */
export function ellipsis(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, Math.max(1, max - 1))}…`;
}
