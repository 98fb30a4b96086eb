/**
 * Turns manifest text into span-keeping documents, robustly.
 *
 * Bad input never throws out of here: syntax errors, duplicate keys, Helm templates, oversized files and
 * alias bombs become {@link LoadProblem}s, and every well-formed `---` document of the file is still
 * returned. Kubernetes decodes YAML with go-yaml v2 (YAML 1.1 scalars: `yes`/`on` are booleans, `0777`
 * is octal) and honours merge keys, so this loader does too
 * (https://github.com/kubernetes-sigs/yaml, https://yaml.org/type/merge.html).
 */
import { parseAllDocuments, isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Alias, Document, Node as YamlNode, Pair } from 'yaml';
import { SourceFile } from '../source/source-file.js';
import type { Span } from '../source/source-file.js';
import { blankOverDeepDocuments, deepestPoint } from './nesting-guard.js';
import { lineStartOf } from '../source/source-file.js';
import type { SMap, SNode, SPair, SScalar, SSeq, ScalarValue } from './snode.js';
import { FastYamlReader } from './fast-yaml.js';
import type { ValueNormaliser } from './fast-yaml.js';
import { documentMarkers, withoutMarker } from './document-markers.js';

export type LoadProblemCode =
  | 'yaml-syntax'
  | 'yaml-duplicate-key'
  | 'yaml-alias-bomb'
  | 'yaml-alias-cycle'
  | 'yaml-too-deep'
  | 'helm-template'
  | 'file-too-large'
  | 'analysis-failed';

export interface LoadProblem {
  readonly code: LoadProblemCode;
  readonly severity: 'error' | 'warning' | 'info';
  readonly message: string;
  readonly span: Span;
}

export interface ManifestDocument {
  /** 0-based index of the `---` document in its file. */
  readonly index: number;
  /** The document's extent in the file, separators excluded. */
  readonly span: Span;
  /** The document's content; undefined for an empty document or one that could not be parsed. */
  readonly root: SNode | undefined;
  /** True when the document had syntax errors and its content must not be trusted. */
  readonly broken: boolean;
  /**
   * For a document with syntax errors: the tree the parser recovered, for editor features that must
   * work while the user types (completion). Never analysed.
   */
  readonly recovered?: SNode;
}

export interface LoadedFile {
  readonly file: SourceFile;
  readonly documents: readonly ManifestDocument[];
  readonly problems: readonly LoadProblem[];
}

export interface LoadLimits {
  /** Files longer than this (in characters) are not parsed. */
  readonly maxFileChars: number;
  /** Total nodes that alias expansion may add to one document before it is considered a bomb. */
  readonly maxAliasNodes: number;
  /**
   * Deepest nesting of collections analysed. Every walk over the trees (validation, model, hovers) is
   * recursive, so the depth is bounded here, where the trees are made; deeper documents are reported
   * (`yaml-too-deep`) and not analysed.
   */
  readonly maxDepth: number;
}

/** No real manifest nests deeper than a few dozen levels (CRD schemas included). */
export const MAX_NESTING_DEPTH = 256;

export const defaultLoadLimits: LoadLimits = {
  maxFileChars: 64 * 1024 * 1024,
  maxAliasNodes: 100_000,
  maxDepth: MAX_NESTING_DEPTH,
};

/**
 * Chart directives: a `{{ }}` that refers to chart data (`.Values`, `.Release`, `.Chart`, `.Capabilities`,
 * `.Files`, `.Template`) or calls the functions charts are built with (`include`, `template`, `toYaml`,
 * `tpl`, `required`, `nindent`, `define`). Wherever one appears, the file is a chart template.
 */
const CHART_DIRECTIVE =
  /\{\{-?\s*(?:\.(?:Values|Release|Chart|Capabilities|Files|Template)\b|(?:include|template|toYaml|tpl|required|nindent|define)\b)/;

/**
 * True when a text may be a template and must be judged by {@link loadManifests} as a whole (the
 * incremental loader asks this before splitting a file into documents).
 */
export function mayBeTemplate(text: string): boolean {
  return text.includes('{{');
}

/**
 * Loads a file. Never throws: a failure inside (a bug, or a limit this code does not know of) becomes
 * an `analysis-failed` problem of this file alone, and its documents are not analysed.
 */
export function loadManifests(file: SourceFile, limits: LoadLimits = defaultLoadLimits): LoadedFile {
  try {
    // A lone `\r` ends a line in YAML (https://yaml.org/spec/1.2.2/#54-line-break-characters) and in
    // go-yaml, but the `yaml` package reads it as content. Replaced by `\n`, the text has the same length,
    // so every span holds for the file as written.
    if (!LONE_CR.test(file.text)) return loadUnguarded(file, limits);
    const loaded = loadUnguarded(new SourceFile(file.path, file.text.replace(LONE_CR_ALL, '\n')), limits);
    return { ...loaded, file };
  } catch (error) {
    return failedLoad(file, error);
  }
}

const LONE_CR = /\r(?!\n)/;
const LONE_CR_ALL = /\r(?!\n)/g;

/** The result of a load that failed: no documents, and one problem that says why. */
export function failedLoad(file: SourceFile, error: unknown): LoadedFile {
  return {
    file,
    documents: [],
    problems: [
      {
        code: 'analysis-failed',
        severity: 'error',
        message: `netpol-scope could not read this file (${describeError(error)}); nothing in it was analysed. Please report this with the file.`,
        span: { start: 0, end: firstLineEnd(file.text) },
      },
    ],
  };
}

/** An error as one line for a finding: its class and message, without the stack. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message.split('\n')[0] ?? ''}`;
  return String(error).split('\n')[0] ?? '';
}

function loadUnguarded(file: SourceFile, limits: LoadLimits): LoadedFile {
  const text = file.text;
  const whole: Span = { start: 0, end: Math.min(text.length, firstLineEnd(text)) };
  if (text.length > limits.maxFileChars) {
    return {
      file,
      documents: [],
      problems: [
        {
          code: 'file-too-large',
          severity: 'warning',
          message: `File has ${text.length.toLocaleString('en-US')} characters, above the limit of ${limits.maxFileChars.toLocaleString('en-US')}; it was not analysed.`,
          span: whole,
        },
      ],
    };
  }
  if (!mayBeTemplate(text)) return loadFast(file, limits) ?? loadGeneral(file, limits);
  const chart = CHART_DIRECTIVE.exec(text);
  if (chart) return helmTemplate(file, { start: chart.index, end: chart.index + chart[0].length });
  const loaded = loadFast(file, limits) ?? loadGeneral(file, limits);
  // A document too deep to read is reported as such, whatever `{{` it holds (one blanked before parsing
  // may have left no document at all).
  const tooDeep = loaded.problems.filter((p) => p.code === 'yaml-too-deep');
  const readable = loaded.documents.filter(
    (d) => !tooDeep.some((p) => p.span.start >= d.span.start && p.span.start <= d.span.end),
  );
  const strays = templateOutsideStrings(text, loaded).filter((at) =>
    readable.some((d) => at >= d.span.start && at < d.span.end),
  );
  if (strays.length === 0) return loaded;
  // A `{{` outside the string values templates its own document only: that document is left out (and
  // says so); the file's other documents are analysed.
  const templated = (d: ManifestDocument) => strays.some((at) => at >= d.span.start && at < d.span.end);
  const kept = loaded.documents.filter((d) => !templated(d));
  if (kept.length === 0) return helmTemplate(file, { start: strays[0]!, end: strays[0]! + 2 });
  const problems: LoadProblem[] = loaded.documents.filter(templated).map((d) => {
    const at = strays.find((x) => x >= d.span.start && x < d.span.end)!;
    return {
      code: 'helm-template',
      severity: 'info',
      message:
        'This document is a template ({{ … }} outside the YAML values); it is not analysed as written. ' +
        'The other documents of the file are. Render it (e.g. with `helm template`) and analyse the output.',
      span: { start: at, end: at + 2 },
    };
  });
  // Problems of the documents left out (syntax errors of the template) go with them.
  const inKept = (p: LoadProblem) =>
    kept.some((d) => p.span.start >= d.span.start && p.span.start <= d.span.end);
  return { file, documents: kept, problems: [...loaded.problems.filter(inKept), ...problems] };
}

/**
 * A Helm template is YAML only once rendered: one info problem, nothing analysed. Besides chart
 * directives, a `{{` that stands outside the string values of the parsed YAML (and outside comments)
 * shapes the document (`{{- if ... }}` lines, `name: {{ ... }}`), so the file is a template too. A `{{`
 * inside a string value is data: Prometheus alert templates (`{{ $labels.instance }}`), Grafana legends,
 * Argo parameters.
 */
function helmTemplate(file: SourceFile, span: Span): LoadedFile {
  return {
    file,
    documents: [],
    problems: [
      {
        code: 'helm-template',
        severity: 'info',
        message:
          'This file is a Helm template ({{ … }} directives); it is not analysed as written. ' +
          'Render it with `helm template` and analyse the output.',
        span,
      },
    ],
  };
}

/** The offsets of the `{{` that are neither in a string value nor in a comment. */
function templateOutsideStrings(text: string, loaded: LoadedFile): number[] {
  const strings: Span[] = [];
  const broken: Span[] = [];
  const visit = (node: SNode, seen: Set<SNode>) => {
    if (seen.has(node)) return;
    seen.add(node);
    if (node.kind === 'scalar') {
      if (typeof node.value === 'string') strings.push(node.span);
    } else if (node.kind === 'seq') for (const item of node.items) visit(item, seen);
    else for (const pair of node.pairs) visit(pair.value, seen);
  };
  for (const d of loaded.documents) {
    if (d.broken) broken.push(d.span);
    else if (d.root) visit(d.root, new Set());
  }
  const inside = (spans: readonly Span[], at: number) => spans.some((s) => at >= s.start && at < s.end);
  const out: number[] = [];
  for (let at = text.indexOf('{{'); at >= 0; at = text.indexOf('{{', at + 2)) {
    if (inside(broken, at)) {
      out.push(at);
      continue;
    }
    if (inside(strings, at)) continue;
    const lineStart = lineStartOf(text, at);
    if (/^[^'"]*#/.test(text.slice(lineStart, at))) continue; // in a comment
    out.push(at);
  }
  return out;
}

const yamlOptions = {
  version: '1.1',
  merge: true,
  prettyErrors: false,
  uniqueKeys: true,
  strict: false,
} as const;

const normaliser: ValueNormaliser = { value: normaliseScalar, key: keyValue };

/**
 * The fast path: the file is cut at its `---` lines and each document is read by fast-yaml.ts, or by
 * the general parser alone when it is outside the fast subset. Undefined when the whole file must go to
 * the general parser: line breaks or markers the cut cannot see (`\r`, BOM, `%` directives, `...`), a
 * single document the fast reader gave up on, or a document the general parser finds errors in (so
 * errors are always reported exactly as a whole-file parse reports them).
 */
function loadFast(file: SourceFile, limits: LoadLimits): LoadedFile | undefined {
  const text = file.text;
  if (hasUnsplittableSyntax(text)) return undefined;
  const markers = documentMarkers(text);
  const documents: ManifestDocument[] = [];
  const problems: LoadProblem[] = [];
  const starts = markers[0] === 0 ? markers : [0, ...markers];
  const reader = new FastYamlReader(normaliser, limits.maxDepth);
  for (let i = 0; i < starts.length; i++) {
    const start = starts[i]!;
    const end = i + 1 < starts.length ? starts[i + 1]! : text.length;
    const marker = i > 0 || markers[0] === 0;
    const fast = reader.parseDocument(text, start, end, marker);
    if (fast === null) continue;
    if (fast) {
      documents.push({
        index: documents.length,
        span: withoutMarker(text, fast.start, fast.end),
        root: fast.root,
        broken: false,
      });
      continue;
    }
    if (starts.length === 1) return undefined; // one document: the general parser reads the file as it is
    // Too deep for the `yaml` package: the general path blanks it first (nesting-guard.ts).
    if (deepestPoint(text, start, end, limits.maxDepth * GUARD_FACTOR) !== undefined) return undefined;
    const yamlDocs = parseAllDocuments(text.slice(start, end), yamlOptions) as Document.Parsed[];
    if (!Array.isArray(yamlDocs) || yamlDocs.length > 1 || (marker && yamlDocs.length === 0))
      return undefined;
    if (yamlDocs.some((doc) => doc.errors.length > 0)) return undefined;
    for (const doc of yamlDocs)
      documents.push(convertDocument(doc, documents.length, start, text, limits, problems));
  }
  return { file, documents, problems };
}

/** `\r` or BOM (line breaks and marks the cut does not handle), `%` directives or `...` document ends. */
function hasUnsplittableSyntax(text: string): boolean {
  return (
    text.includes('\r') ||
    text.includes('\uFEFF') ||
    text.startsWith('%') ||
    text.includes('\n%') ||
    text.startsWith('...') ||
    text.includes('\n...')
  );
}

/**
 * The general path: the `yaml` package parses the whole file. Exported for parity tests of the fast path.
 * Documents nested far deeper than the limit are blanked before it reads them (nesting-guard.ts): on a
 * few thousand levels the package exhausts the stack, and V8 may then end the process from inside it.
 */
export function loadGeneral(file: SourceFile, limits: LoadLimits = defaultLoadLimits): LoadedFile {
  const guarded = blankOverDeepDocuments(file.text, limits.maxDepth * GUARD_FACTOR);
  if (guarded.blanked.length === 0) return parseGeneral(file, limits);
  const loaded = parseGeneral(new SourceFile(file.path, guarded.text), limits);
  const blanked = (d: ManifestDocument) =>
    guarded.blanked.some((b) => d.span.start <= b.span.end && d.span.end >= b.span.start);
  const tooDeep = guarded.blanked.map((b) => tooDeepProblem(limits, { start: b.at, end: b.at + 1 }));
  return {
    file,
    documents: loaded.documents.map((d) => (blanked(d) ? { ...d, root: undefined, broken: true } : d)),
    problems: [...loaded.problems, ...tooDeep].sort((a, b) => a.span.start - b.span.start),
  };
}

/**
 * Documents nesting more than this many times the depth limit are blanked before the `yaml` package
 * reads them; between the limit and this, the parsers report the depth precisely.
 */
const GUARD_FACTOR = 2;

function parseGeneral(file: SourceFile, limits: LoadLimits): LoadedFile {
  const text = file.text;
  const problems: LoadProblem[] = [];
  let yamlDocs: Document.Parsed[];
  try {
    yamlDocs = parseAllDocuments(text, yamlOptions) as Document.Parsed[];
  } catch (error) {
    // parseAllDocuments reports problems on the documents; a throw here is an internal parser failure.
    const whole: Span = { start: 0, end: Math.min(text.length, firstLineEnd(text)) };
    problems.push({
      code: 'yaml-syntax',
      severity: 'error',
      message: `YAML parser failed: ${String(error)}`,
      span: whole,
    });
    return { file, documents: [], problems };
  }
  if (!Array.isArray(yamlDocs)) yamlDocs = [yamlDocs];
  const documents = yamlDocs.map((doc, index) => convertDocument(doc, index, 0, text, limits, problems));
  return { file, documents, problems };
}

/**
 * One document of the `yaml` package as a ManifestDocument; its problems go to `problems`. `base` is
 * the offset in the file (`fullText`) of the text the document was parsed from.
 */
function convertDocument(
  doc: Document.Parsed,
  index: number,
  base: number,
  fullText: string,
  limits: LoadLimits,
  problems: LoadProblem[],
): ManifestDocument {
  const span: Span = withoutMarker(fullText, base + doc.range[0], base + doc.range[1]);
  let broken = false;
  let tooDeep = false;
  for (const err of doc.errors) {
    const duplicate = err.code === 'DUPLICATE_KEY';
    if (!duplicate) broken = true;
    const start = base + err.pos[0];
    if (STACK_OVERFLOW.test(err.message)) {
      // The parser ran out of stack on deeply nested collections: a depth problem, reported once.
      if (!tooDeep)
        problems.push(tooDeepProblem(limits, clampSpan({ start, end: start + 1 }, fullText.length)));
      tooDeep = true;
      continue;
    }
    // The parser points at the repeated key's first character; the finding covers the whole key.
    const end = duplicate ? keyEnd(fullText, start) : base + Math.max(err.pos[1], err.pos[0] + 1);
    problems.push({
      code: duplicate ? 'yaml-duplicate-key' : 'yaml-syntax',
      severity: 'error',
      message: duplicate
        ? 'Duplicate key: Kubernetes rejects a mapping that repeats a key.'
        : cleanYamlMessage(err.message),
      span: clampSpan({ start, end: Math.max(end, start + 1) }, fullText.length),
    });
  }
  let root: SNode | undefined;
  if (!broken && doc.contents != null) {
    const converted = convertContents(doc, limits, base);
    if ('problem' in converted) {
      broken = true;
      problems.push(converted.problem);
    } else root = converted.root;
  }
  if (broken && root === undefined && !tooDeep && doc.contents != null && doc.errors.length > 0) {
    // What the parser recovered from a document with syntax errors: never analysed, but editor
    // features (completion while typing) can still find where the cursor is.
    const recovered = convertContents(doc, limits, base);
    if ('root' in recovered) return { index, span, root: undefined, broken, recovered: recovered.root };
  }
  return { index, span, root: broken ? undefined : root, broken };
}

/** The message of a JavaScript stack overflow, which the `yaml` package reports as a document error. */
const STACK_OVERFLOW = /Maximum call stack size exceeded/;

function tooDeepProblem(limits: LoadLimits, span: Span): LoadProblem {
  return {
    code: 'yaml-too-deep',
    severity: 'warning',
    message: `Collections in this document nest more than ${limits.maxDepth} levels deep; the document was not analysed. No Kubernetes manifest needs that depth.`,
    span,
  };
}

/** A document's contents as an SNode tree, or the problem that stopped the conversion. */
function convertContents(
  doc: Document.Parsed,
  limits: LoadLimits,
  base: number,
): { root: SNode } | { problem: LoadProblem } {
  try {
    return { root: new Converter(doc, limits, base).convert(doc.contents as YamlNode, 1) };
  } catch (error) {
    if (error instanceof AliasBudgetExceeded)
      return {
        problem: {
          code: 'yaml-alias-bomb',
          severity: 'error',
          message: `Aliases in this document expand to more than ${limits.maxAliasNodes.toLocaleString('en-US')} nodes (an alias bomb); the document was not analysed.`,
          span: error.span,
        },
      };
    if (error instanceof AliasCycle)
      return {
        problem: {
          code: 'yaml-alias-cycle',
          severity: 'error',
          message: `The alias *${error.anchor} refers to the anchor &${error.anchor} of a collection that contains it: its value would contain itself. Kubernetes rejects the document; it was not analysed.`,
          span: error.span,
        },
      };
    if (error instanceof DepthExceeded) return { problem: tooDeepProblem(limits, error.span) };
    throw error;
  }
}

class AliasBudgetExceeded extends Error {
  constructor(readonly span: Span) {
    super('alias budget exceeded');
  }
}

/** An alias inside the collection its anchor names (`a: &x {b: *x}`): a value that contains itself. */
class AliasCycle extends Error {
  constructor(
    readonly anchor: string,
    readonly span: Span,
  ) {
    super('alias cycle');
  }
}

/** Collections nested deeper than the limit. */
class DepthExceeded extends Error {
  constructor(readonly span: Span) {
    super('nesting depth exceeded');
  }
}

/**
 * The node each alias of a document refers to: the last node with its anchor before it in document
 * order, as the `yaml` package resolves it (Alias.resolve). Computed in one iterative walk: resolving
 * each alias on its own walks the whole document each time (quadratic) and recursively (deep documents
 * overflow the stack).
 */
function aliasTargets(doc: Document.Parsed): Map<Alias, YamlNode> {
  const targets = new Map<Alias, YamlNode>();
  const anchors = new Map<string, YamlNode>();
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node == null) continue;
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (target) targets.set(node, target);
      continue;
    }
    if (isPair(node)) {
      stack.push(node.value, node.key);
      continue;
    }
    const anchor = (node as { anchor?: string }).anchor;
    if (anchor) anchors.set(anchor, node as YamlNode);
    if (isMap(node) || isSeq(node))
      for (let i = node.items.length - 1; i >= 0; i--) stack.push(node.items[i]);
  }
  return targets;
}

/**
 * Converts one yaml document's AST into SNodes, resolving aliases and merge keys within a budget, and
 * refusing alias cycles and nesting deeper than the limit (so every tree handed on is finite and shallow).
 */
class Converter {
  private readonly cache = new Map<YamlNode, SNode>();
  private readonly sizes = new Map<SNode, number>();
  /** Collection levels of each converted node (1 for a scalar), to bound depth where aliases reuse one. */
  private readonly heights = new Map<SNode, number>();
  /** Collections being converted (ancestors of the current node): an alias to one of them is a cycle. */
  private readonly open = new Set<YamlNode>();
  private readonly targets: Map<Alias, YamlNode>;
  private aliasNodes = 0;
  private readonly maxAliasNodes: number;
  private readonly maxDepth: number;

  constructor(
    doc: Document.Parsed,
    limits: LoadLimits,
    /** Offset in the file of the text the document was parsed from. */
    private readonly base: number,
  ) {
    this.maxAliasNodes = limits.maxAliasNodes;
    this.maxDepth = limits.maxDepth;
    this.targets = aliasTargets(doc);
  }

  /** Converts `node`, found at nesting level `depth` (1 for the document's root). */
  convert(node: YamlNode, depth: number): SNode {
    if (isAlias(node)) {
      const range = (node.range ?? [0, 0]).map((offset) => this.base + offset);
      const span = { start: range[0]!, end: range[1]! };
      const target = this.targets.get(node);
      if (!target) return scalar(span, null, false, false);
      if (this.open.has(target)) throw new AliasCycle(node.source, span);
      const out = this.convert(target, depth);
      if (depth - 1 + (this.heights.get(out) ?? 1) > this.maxDepth) throw new DepthExceeded(span);
      this.aliasNodes += this.sizes.get(out) ?? 1;
      if (this.aliasNodes > this.maxAliasNodes) throw new AliasBudgetExceeded(span);
      return out; // aliases are not cached themselves: each use counts against the budget
    }
    const cached = this.cache.get(node);
    if (cached) return cached;
    if (depth > this.maxDepth) {
      const start = this.spanOf(node as { range?: [number, number, number] | null }).start;
      throw new DepthExceeded({ start, end: start + 1 });
    }
    let out: SNode;
    if (isMap(node) || isSeq(node)) {
      this.open.add(node);
      try {
        out = isMap(node)
          ? this.convertMap(node.items as Pair<YamlNode, YamlNode | null>[], node, depth)
          : this.convertSeq(node, depth);
      } finally {
        this.open.delete(node);
      }
    } else if (isScalar(node)) {
      out = scalar(
        this.spanOf(node),
        normaliseScalar(node.value, node.source),
        node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE',
        isImplicitNull(node),
      );
      this.sizes.set(out, 1);
    } else {
      out = scalar(this.spanOf(node as { range?: [number, number, number] | null }), null, false, true);
    }
    this.cache.set(node, out);
    return out;
  }

  private convertSeq(node: YamlNode & { items: unknown[]; flow?: boolean }, depth: number): SSeq {
    const items = node.items.map((item) =>
      item == null ? scalar(this.spanAt(node), null, false, true) : this.convert(item as YamlNode, depth + 1),
    );
    const flow = node.flow === true;
    const span = flow ? this.spanOf(node) : blockSpan(this.spanOf(node), items[items.length - 1]?.span);
    const out: SSeq = { kind: 'seq', span, items, flow };
    this.sizes.set(out, 1 + items.reduce((n, i) => n + (this.sizes.get(i) ?? 1), 0));
    this.heights.set(out, 1 + items.reduce((h, i) => Math.max(h, this.heights.get(i) ?? 1), 0));
    return out;
  }

  private convertMap(
    items: Pair<YamlNode, YamlNode | null>[],
    node: YamlNode & { flow?: boolean },
    depth: number,
  ): SMap {
    const pairs: SPair[] = [];
    const merged: SPair[] = [];
    for (const item of items) {
      if (!isPair(item)) continue;
      const keyNode = item.key as YamlNode | null;
      const keySpan = keyNode ? this.spanOf(keyNode) : this.spanAt(node);
      const rawKey = keyNode && isScalar(keyNode) ? keyNode.value : undefined;
      const valueNode = item.value;
      const value =
        valueNode == null
          ? scalar({ start: keySpan.end, end: keySpan.end }, null, false, true)
          : this.convert(valueNode, depth + 1);
      if (typeof rawKey === 'symbol') {
        // Merge key: `<<: *anchor` or `<<: [*a, *b]`; earlier sources win, explicit keys win over all.
        const sources = value.kind === 'seq' ? value.items : [value];
        for (const source of sources) if (source.kind === 'map') merged.push(...source.pairs);
        continue;
      }
      let keyScalar: SScalar;
      if (keyNode && isScalar(keyNode)) {
        keyScalar = scalar(
          keySpan,
          keyValue(rawKey),
          keyNode.type === 'QUOTE_DOUBLE' || keyNode.type === 'QUOTE_SINGLE',
          false,
        );
      } else {
        // Complex keys (maps, lists as keys) are not valid in Kubernetes objects; keep their text.
        keyScalar = scalar(keySpan, keyNode ? String(keyNode) : null, false, false);
      }
      pairs.push({
        key: keyScalar,
        value,
        span: { start: keySpan.start, end: Math.max(value.span.end, keySpan.end) },
      });
    }
    const flow = node.flow === true;
    const span = flow ? this.spanOf(node) : blockSpan(this.spanOf(node), pairs[pairs.length - 1]?.span);
    if (merged.length > 0) {
      const present = new Set(pairs.map((p) => p.key.value));
      const seen = new Set<ScalarValue>();
      for (const pair of merged) {
        if (present.has(pair.key.value) || seen.has(pair.key.value)) continue;
        seen.add(pair.key.value);
        pairs.push(pair);
      }
    }
    const out: SMap = { kind: 'map', span, pairs, flow };
    this.sizes.set(out, 1 + pairs.reduce((n, p) => n + 1 + (this.sizes.get(p.value) ?? 1), 0));
    this.heights.set(out, 1 + pairs.reduce((h, p) => Math.max(h, this.heights.get(p.value) ?? 1), 0));
    return out;
  }

  private spanOf(node: { range?: [number, number, number] | null }): Span {
    const range = node.range;
    if (!range) return { start: this.base, end: this.base };
    return { start: this.base + range[0], end: this.base + range[1] };
  }

  private spanAt(node: { range?: [number, number, number] | null }): Span {
    const start = this.base + (node.range?.[0] ?? 0);
    return { start, end: start };
  }
}

/**
 * A block collection's span ends where its last entry's content ends: the `yaml` package's range also
 * covers the line break and any comment after it, which would make findings run onto the next line.
 */
function blockSpan(range: Span, last: Span | undefined): Span {
  return last ? { start: range.start, end: Math.max(range.start, last.end) } : range;
}

function scalar(span: Span, value: ScalarValue, quoted: boolean, implicit: boolean): SScalar {
  return { kind: 'scalar', span, value, quoted, implicit };
}

function keyValue(raw: unknown): ScalarValue {
  if (raw === null || typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean')
    return raw;
  return String(raw);
}

function normaliseScalar(value: unknown, source: string | undefined): ScalarValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  // Timestamps, binary and other YAML 1.1 types reach Kubernetes as strings.
  return source ?? String(value);
}

function isImplicitNull(node: { value: unknown; source?: string }): boolean {
  return node.value === null && (node.source === undefined || node.source === '');
}

/** The end of a mapping key written at `start`: a quoted key's closing quote, else the `:` that follows. */
function keyEnd(text: string, start: number): number {
  const quote = text[start];
  if (quote === '"' || quote === "'") {
    const close = text.indexOf(quote, start + 1);
    return close < 0 ? start + 1 : close + 1;
  }
  const m = /^[^\n:#]*?(?=\s*:(?:\s|$))/.exec(text.slice(start, start + 256));
  return m && m[0].length > 0 ? start + m[0].length : start + 1;
}

function clampSpan(span: Span, length: number): Span {
  const start = Math.max(0, Math.min(span.start, length));
  return { start, end: Math.max(start, Math.min(span.end, length)) };
}

function firstLineEnd(text: string): number {
  const end = text.search(/[\r\n]/);
  return end < 0 ? text.length : end;
}

function cleanYamlMessage(message: string): string {
  const first = message.split('\n')[0] ?? message;
  return `YAML syntax error: ${first.replace(/ at line \d+, column \d+:?$/, '')}`;
}
