/**
 * Fixes for `api-unknown-field` (shared/validate/structure.ts):
 * - `data.suggestion` (a typo of a field of the same level): rename the key;
 * - `data.belongsUnder` (lost indentation): when the field it belongs under is a sibling key with no value
 *   (`podSelector:` followed by `matchLabels:` at the same indent), indent the field and its whole value
 *   block under it. `belongsUnder` ending in `[]` means "an entry of that list": the field becomes the
 *   first key of a new entry (`from:` + `podSelector:` becomes `from:` + `- podSelector:`). The same
 *   holds for a whole list entry after an entry ending in such a key (`- from:` + `- podSelector: …`).
 */
import type { AnalysisContext } from '../context.js';
import type { Finding } from '../findings.js';
import type { SMap, SPair } from '../parse/snode.js';
import { isMap } from '../parse/snode.js';
import type { Fix, TextEdit } from './types.js';
import type { YamlEditor } from './yaml-edit.js';
import { editorAt, quickFix } from './target.js';

export function unknownFieldFixes(ctx: AnalysisContext, finding: Finding): Fix[] {
  const editor = editorAt(ctx, finding.file, finding.span.start);
  const pair = editor?.pairWithKeyAt(finding.span.start);
  const map = pair && editor?.mapOf(pair);
  if (!editor || !pair || !map || typeof pair.key.value !== 'string') return [];
  const field = pair.key.value;
  const data = finding.data ?? {};
  if (typeof data.suggestion === 'string') {
    const suggestion = data.suggestion;
    if (map.pairs.some((p) => p.key.value === suggestion)) return [];
    return quickFix(`Rename \`${field}\` to \`${suggestion}\``, editor.replaceKey(pair, suggestion), true);
  }
  if (typeof data.belongsUnder === 'string') {
    const path = typeof data.path === 'string' ? data.path : undefined;
    const edits = moveUnder(ctx, editor, map, pair, field, data.belongsUnder, path);
    return quickFix(`Move \`${field}\` under ${data.belongsUnder} (re-indent)`, edits, true);
  }
  return [];
}

interface Target {
  /** The field path of the object holding the empty key. */
  readonly parentPath: string;
  /** The empty key. */
  readonly key: string;
  /** True when the field becomes an entry of the key's list. */
  readonly viaList: boolean;
}

function parseTarget(belongsUnder: string): Target | undefined {
  const viaList = belongsUnder.endsWith('[]');
  const target = viaList ? belongsUnder.slice(0, -2) : belongsUnder;
  const dot = target.lastIndexOf('.');
  const key = target.slice(dot + 1);
  if (key === '' || key.includes('[')) return undefined;
  return { parentPath: dot < 0 ? '' : target.slice(0, dot), key, viaList };
}

/** The field path of the object holding the unknown field, from the finding's `path`. */
function containerPath(path: string | undefined, field: string): string | undefined {
  if (path === undefined) return undefined;
  if (path === field) return '';
  return path.endsWith(`.${field}`) ? path.slice(0, -field.length - 1) : undefined;
}

/** True when a key has no value yet: empty, `null`/`~`, or an empty `{}`/`[]` of the expected kind. */
function isEmptyHolder(pair: SPair, viaList: boolean): boolean {
  const value = pair.value;
  if (value.kind === 'scalar') return value.value === null;
  if (value.kind === 'map') return !viaList && value.pairs.length === 0;
  return viaList && value.items.length === 0;
}

/** Removes an explicit empty value (` null`, ` {}`) after a key, keeping a comment after it. */
function clearValue(editor: YamlEditor, pair: SPair): TextEdit[] {
  const value = pair.value;
  if (value.kind === 'scalar' && value.implicit) return [];
  return [
    {
      file: editor.file,
      span: { start: editor.afterColon(pair), end: editor.contentEnd(value) },
      newText: '',
    },
  ];
}

function moveUnder(
  ctx: AnalysisContext,
  editor: YamlEditor,
  map: SMap,
  pair: SPair,
  field: string,
  belongsUnder: string,
  path: string | undefined,
): TextEdit[] | undefined {
  const target = parseTarget(belongsUnder);
  const here = containerPath(path, field);
  if (!target || here === undefined || map.flow || editor.isShared(map)) return undefined;
  if (target.parentPath === here) return moveIntoSibling(editor, map, pair, target);
  const item = /^(.*)\[(\d+)\]$/.exec(here);
  if (
    target.viaList &&
    item &&
    Number(item[2]) > 0 &&
    target.parentPath === `${item[1]}[${Number(item[2]) - 1}]`
  ) {
    return moveEntryIntoPrevious(ctx, editor, map, target, belongsUnder);
  }
  return undefined;
}

/** `podSelector:` + `matchLabels: …` at the same indent: indent the field block under the empty key. */
function moveIntoSibling(editor: YamlEditor, map: SMap, pair: SPair, target: Target): TextEdit[] | undefined {
  const own = editor.ownPairs(map);
  const holder = own.find((p) => p.key.value === target.key);
  const index = own.indexOf(pair);
  if (!holder || index < 0 || !isEmptyHolder(holder, target.viaList)) return undefined;
  if (editor.isShared(holder) || editor.isShared(holder.value) || editor.isShared(pair)) return undefined;
  if (!editor.startsLine(pair.key.span.start)) return undefined;
  const style = editor.style;
  const keyColumn = editor.column(pair.key.span.start);
  const holderColumn = editor.column(holder.key.span.start);
  const blockStart = editor.lineStart(pair.key.span.start);
  const blockEnd = editor.blockEnd(editor.pairEnd(pair), keyColumn);
  // The field's new column: one indent unit deeper, or after a new `- ` for a list entry.
  const shift = holderColumn - keyColumn + (target.viaList ? style.sequenceIndent + 2 : style.indentUnit);
  if (shift <= 0) return undefined;
  const clear = clearValue(editor, holder);

  if (own[index - 1] === holder) {
    // Right below the empty key: indent the block in place.
    const rest = editor.nextLineStart(pair.key.span.start);
    if (!target.viaList) return [...clear, ...(editor.shiftLines(blockStart, blockEnd, shift) ?? [])];
    const first: TextEdit = {
      file: editor.file,
      span: { start: pair.key.span.start, end: pair.key.span.start },
      newText: `${' '.repeat(shift - 2)}- `,
    };
    const others = rest < blockEnd ? editor.shiftLines(rest, blockEnd, shift) : [];
    return others ? [...clear, first, ...others] : undefined;
  }

  // Elsewhere in the mapping: cut the block's lines and insert them, re-indented, below the empty key
  // (not when the block holds an anchor or alias: moving it could put an alias before its anchor).
  if (editor.containsShared(pair.value)) return undefined;
  const text = editor.text;
  const lines = text.slice(blockStart, blockEnd).split(/(?<=\r\n|\n|\r)(?!\n)/);
  const moved = lines
    .map((line, i) => {
      if (line.trim() === '') return line;
      if (i === 0 && target.viaList) {
        const indent = /^ */.exec(line)![0];
        return `${' '.repeat(indent.length + shift - 2)}- ${line.slice(indent.length)}`;
      }
      return ' '.repeat(shift) + line;
    })
    .join('');
  const endsWithBreak = /[\r\n]$/.test(moved);
  const at = editor.nextLineStart(editor.pairEnd(holder));
  const atEnd = at >= text.length && !/[\r\n]$/.test(text);
  const insert: TextEdit = {
    file: editor.file,
    span: { start: at, end: at },
    newText: atEnd
      ? style.eol + moved.replace(/(\r\n|\n|\r)$/, '')
      : endsWithBreak
        ? moved
        : moved + style.eol,
  };
  const cut: TextEdit = { file: editor.file, span: { start: blockStart, end: blockEnd }, newText: '' };
  return [...clear, insert, cut];
}

/**
 * `- from:` followed by the entry `- podSelector: …`: the entry is indented to become the first entry of
 * `from`. Only when every key of the entry belongs there (each has the same finding) and the empty key
 * ends the previous entry.
 */
function moveEntryIntoPrevious(
  ctx: AnalysisContext,
  editor: YamlEditor,
  map: SMap,
  target: Target,
  belongsUnder: string,
): TextEdit[] | undefined {
  const parent = editor.parentOf(map);
  if (parent?.kind !== 'item' || parent.seq.flow) return undefined;
  const previous = parent.seq.items[parent.index - 1];
  if (!isMap(previous) || previous.flow) return undefined;
  const previousPairs = editor.ownPairs(previous);
  const holder = previousPairs[previousPairs.length - 1];
  if (!holder || holder.key.value !== target.key || !isEmptyHolder(holder, true)) return undefined;
  if (editor.isShared(holder.value) || editor.isShared(map)) return undefined;
  const own = editor.ownPairs(map);
  if (own.length !== map.pairs.length) return undefined;
  const misplaced = (p: SPair) =>
    ctx.workspace.findings.some(
      (f) =>
        f.rule === 'api-unknown-field' &&
        (f.file === editor.file || f.file.path === editor.file.path) &&
        f.span.start === p.key.span.start &&
        f.data?.belongsUnder === belongsUnder,
    );
  if (!own.every(misplaced)) return undefined;
  const dash = editor.dashOf(map);
  if (dash === undefined || !editor.startsLine(dash)) return undefined;
  const dashColumn = editor.column(dash);
  const shift = editor.column(holder.key.span.start) + editor.style.sequenceIndent - dashColumn;
  if (shift <= 0) return undefined;
  const end = editor.blockEnd(editor.contentEnd(map), dashColumn);
  const shifted = editor.shiftLines(dash, end, shift);
  return shifted ? [...clearValue(editor, holder), ...shifted] : undefined;
}
