/**
 * The structure check: walks the object against the schema (schema.ts) and reports what the API
 * server's decoder rejects before validation even runs, plus nulls worth a word:
 * - unknown fields (strict field validation, kubectl's default since 1.27: "strict decoding error:
 *   unknown field"), with a "did you mean" from suggest.ts;
 * - values of the wrong type ("json: cannot unmarshal string into Go struct field … of type int32");
 * - map keys that cannot be JSON keys (sigs.k8s.io/yaml: "unsupported map key of type");
 * - nulls of objects and lists, with what Kubernetes then does (schema `onNull` / `nullItem`).
 * The value checks (validators in this folder) skip whatever has the wrong type, so nothing is reported
 * twice.
 */
import { isMap, isScalar, isSeq } from '../parse/snode.js';
import type { SNode, SScalar } from '../parse/snode.js';
import {
  anchorOf,
  describeValue,
  isNullNode,
  joinPath,
  keyText,
  nullPhrase,
  quote,
  sourceText,
  valueSpan,
} from './report.js';
import type { At, Reporter } from './report.js';
import { fieldNames, fieldOf } from './schema.js';
import type { FieldType, NullEffect, ObjectType, ScalarType } from './schema.js';
import { suggestField } from './suggest.js';
import type { Frame, Suggestion } from './suggest.js';

/** Checks the whole object against its type. */
export function checkStructure(r: Reporter, root: At, type: ObjectType): void {
  checkObject(r, root, type, [], undefined);
}

function checkValue(
  r: Reporter,
  at: At,
  type: FieldType,
  trail: readonly Frame[],
  item?: Frame['item'],
): void {
  switch (type.kind) {
    case 'object':
      if (!isMap(at.node)) return typeError(r, at, type);
      return checkObject(r, at, type, trail, item);
    case 'list': {
      if (!isSeq(at.node)) return typeError(r, at, type);
      const list = at;
      at.node.items.forEach((node, index) => {
        const entry: At = { node, key: undefined, path: `${list.path}[${index}]` };
        if (isNullNode(node)) {
          if (type.nullItem) reportNull(r, entry, type.nullItem);
          return;
        }
        checkValue(r, entry, type.items, trail, { list, index });
      });
      return;
    }
    case 'map': {
      if (!isMap(at.node)) return typeError(r, at, type);
      for (const pair of at.node.pairs) {
        const name = keyText(pair.key);
        if (name === undefined) {
          nullKey(r, pair.key, at.path);
          continue;
        }
        // A null value in a map of strings decodes as "" (validators say what that means).
        if (isNullNode(pair.value)) continue;
        checkValue(r, { node: pair.value, key: pair.key, path: joinPath(at.path, name) }, type.values, trail);
      }
      return;
    }
    case 'scalar':
      if (!scalarFits(type, at.node)) typeError(r, at, type);
      return;
  }
}

function checkObject(
  r: Reporter,
  at: At,
  type: ObjectType,
  trail: readonly Frame[],
  item: Frame['item'],
): void {
  if (!isMap(at.node)) return;
  const frame: Frame = item ? { at, type, item } : { at, type };
  const here = [...trail, frame];
  for (const pair of at.node.pairs) {
    const name = keyText(pair.key);
    if (name === undefined) {
      nullKey(r, pair.key, at.path);
      continue;
    }
    const field = fieldOf(type, name);
    if (!field) {
      unknownField(r, name, pair.key, pair.value, here);
      continue;
    }
    const child: At = { node: pair.value, key: pair.key, path: joinPath(at.path, name) };
    if (isNullNode(pair.value)) {
      if (field.onNull) reportNull(r, child, field.onNull);
      continue;
    }
    checkValue(r, child, field.type, here);
  }
}

function scalarFits(type: ScalarType, node: SNode): boolean {
  if (type.scalar === 'any') return true;
  if (!isScalar(node)) return false;
  const v = node.value;
  switch (type.scalar) {
    case 'string':
      return typeof v === 'string';
    case 'time':
      return typeof v === 'string' || v === null;
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'intOrString':
      return typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v));
  }
}

function reportNull(r: Reporter, at: At, effect: NullEffect): void {
  const node = at.node as SScalar;
  const what = at.key ? at.path : `The entry ${at.path}`;
  r.report(
    'api-invalid-type',
    effect.severity,
    valueSpan(r.file, at),
    `${what} ${nullPhrase(node)}; ${effect.effect}.`,
    { path: at.path, null: true },
  );
}

function nullKey(r: Reporter, key: SScalar, path: string): void {
  r.error(
    'api-invalid-type',
    key.span,
    `A key under ${path === '' ? 'the object' : path} is null; Kubernetes cannot decode a null map key (write the key as a string).`,
    { path },
  );
}

function typeError(r: Reporter, at: At, type: FieldType): void {
  const found = describeValue(r.file, at.node);
  const subject = at.key ? at.path : `The entry ${at.path}`;
  r.error(
    'api-invalid-type',
    anchorOf(r.file, at),
    `${subject} must be ${expected(type)}; found ${found}.${hint(r, at.node, type)}`,
    { path: at.path, expected: type.kind === 'scalar' ? type.scalar : type.kind },
  );
}

function expected(type: FieldType): string {
  switch (type.kind) {
    case 'object':
      return `${type.title} (an object)`;
    case 'list':
    case 'map':
    case 'scalar':
      return type.title;
  }
}

function hint(r: Reporter, node: SNode, type: FieldType): string {
  if (type.kind === 'list' && isMap(node)) return ' Write each entry as a list item starting with "- ".';
  if (type.kind === 'list' && isScalar(node) && node.value !== null) {
    return ` Write it as a list: [${sourceText(r.file, node)}].`;
  }
  if ((type.kind === 'object' || type.kind === 'map') && isSeq(node))
    return ' Remove the "- " in front of its fields.';
  if (type.kind === 'scalar' && isScalar(node)) {
    const written = sourceText(r.file, node);
    if (type.scalar === 'string' && (typeof node.value === 'number' || typeof node.value === 'boolean')) {
      return ` Quote it to make it a string: ${quote(written)}.`;
    }
    if (type.scalar === 'integer' && typeof node.value === 'string' && /^[0-9]+$/.test(node.value)) {
      return ` Remove the quotes: ${node.value}.`;
    }
    if ((type.scalar === 'integer' || type.scalar === 'intOrString') && typeof node.value === 'number') {
      return ' It must be a whole number.';
    }
  }
  return '';
}

function unknownField(r: Reporter, name: string, key: SScalar, value: SNode, trail: readonly Frame[]): void {
  const frame = trail[trail.length - 1]!;
  if (frame.at.path === '' && name === 'status') {
    // NetworkPolicyStatus existed until Kubernetes 1.28 (kubernetes/kubernetes#115843), so `kubectl get -o
    // yaml` dumps of older clusters carry `status: {}`. Strict validation rejects it on apply today, but the
    // object was accepted by the cluster it came from: warn, and keep the policy in the analysis.
    r.warning(
      'api-unknown-field',
      key.span,
      '`status` is not a NetworkPolicy field since Kubernetes 1.28 (it appears in dumps of older clusters); ' +
        'strict field validation rejects it on apply, so remove it.',
      { path: 'status', field: 'status' },
    );
    return;
  }
  const where = describeContainer(frame);
  const suggestion = suggestField(name, value, trail);
  const path = joinPath(frame.at.path, name);
  let message = `\`${name}\` is not a field of ${where}`;
  let data: Record<string, unknown> = { path, field: name };
  if (suggestion) {
    message += `; ${suggestionText(name, suggestion)}`;
    data = { ...data, ...suggestionData(suggestion) };
  } else {
    message += `. Its fields are: ${fieldNames(frame.type).join(', ')}.`;
  }
  r.error('api-unknown-field', key.span, message, data);
}

function describeContainer(frame: Frame): string {
  if (frame.at.path === '') return frame.type.title;
  if (frame.at.path === frame.type.title) return frame.at.path;
  return `${frame.at.path} (${frame.type.title})`;
}

function suggestionText(name: string, s: Suggestion): string {
  switch (s.kind) {
    case 'typo':
      return `did you mean \`${s.field}\`?`;
    case 'misplaced': {
      const target = s.belongsUnder === '' ? `\`${name}\` at the top level` : `${s.belongsUnder}.${name}`;
      const why = s.emptyKey
        ? `\`${s.emptyKey}:\` has no value, so the indentation may have been lost`
        : 'the indentation may have been lost';
      return `did you mean ${target}? ${capitalise(why)}.`;
    }
    case 'map-entry': {
      const map = s.belongsUnder.slice(s.belongsUnder.lastIndexOf('.') + 1);
      return `labels go under ${map}: did you mean ${s.belongsUnder}.${name}?`;
    }
  }
}

function suggestionData(s: Suggestion): Record<string, unknown> {
  switch (s.kind) {
    case 'typo':
      return { suggestion: s.field };
    case 'misplaced':
    case 'map-entry':
      return { belongsUnder: s.belongsUnder };
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
