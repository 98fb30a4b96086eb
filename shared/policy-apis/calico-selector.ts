/**
 * Calico's selector language (https://docs.tigera.io/calico/latest/reference/resources/networkpolicy#selectors),
 * parsed into an expression tree with the position of every error, and evaluated on a label map.
 *
 * Grammar (Calico libcalico-go `lib/selector/parser`):
 *   expr   := or
 *   or     := and ( '||' and )*
 *   and    := unary ( '&&' unary )*
 *   unary  := '!' unary | '(' expr ')' | 'all()' | 'global()' | 'has(' key ')'
 *           | key ( '==' str | '!=' str | 'in' set | 'not' 'in' set
 *                 | 'contains' str | 'starts' 'with' str | 'ends' 'with' str )
 *   set    := '{' ( str ( ',' str )* )? '}'
 *   str    := '...' | "..."
 * An empty selector matches everything (as `all()`). `k != 'v'` and `k not in {...}` also match a
 * resource without the label `k` (the negation of `k == 'v'` / `k in {...}`, as libcalico-go evaluates
 * them); `has(k)` tests presence.
 */

import { ANY_VALUE } from '../model/rule-model.js';

export type CalicoSelector =
  | { readonly op: 'all' }
  | { readonly op: 'global' }
  | { readonly op: 'has'; readonly key: string }
  | {
      readonly op: 'eq' | 'ne' | 'contains' | 'starts' | 'ends';
      readonly key: string;
      readonly value: string;
    }
  | { readonly op: 'in' | 'notin'; readonly key: string; readonly values: readonly string[] }
  | { readonly op: 'not'; readonly operand: CalicoSelector }
  | { readonly op: 'and' | 'or'; readonly operands: readonly CalicoSelector[] };

export interface SelectorError {
  /** Offset in the selector text. */
  readonly offset: number;
  readonly message: string;
}

type Token =
  | { readonly kind: 'op'; readonly text: string; readonly at: number }
  | { readonly kind: 'word'; readonly text: string; readonly at: number }
  | { readonly kind: 'string'; readonly text: string; readonly at: number }
  | { readonly kind: 'end'; readonly text: ''; readonly at: number };

const keyChar = /[A-Za-z0-9_./\-:]/;

function tokenize(text: string): Token[] | SelectorError {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (two === '==' || two === '!=' || two === '&&' || two === '||') {
      out.push({ kind: 'op', text: two, at: i });
      i += 2;
      continue;
    }
    if ('!(){},'.includes(c)) {
      out.push({ kind: 'op', text: c, at: i });
      i++;
      continue;
    }
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      if (end < 0) return { offset: i, message: `unterminated string starting at column ${i + 1}` };
      out.push({ kind: 'string', text: text.slice(i + 1, end), at: i });
      i = end + 1;
      continue;
    }
    if (keyChar.test(c)) {
      const start = i;
      while (i < text.length && keyChar.test(text[i]!)) i++;
      out.push({ kind: 'word', text: text.slice(start, i), at: start });
      continue;
    }
    return { offset: i, message: `unexpected character "${c}" at column ${i + 1}` };
  }
  out.push({ kind: 'end', text: '', at: text.length });
  return out;
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  private peek(): Token {
    return this.tokens[this.i]!;
  }

  private next(): Token {
    return this.tokens[this.i++]!;
  }

  private fail(token: Token, expected: string): never {
    const found = token.kind === 'end' ? 'the end of the selector' : `"${token.text}"`;
    throw { offset: token.at, message: `expected ${expected} at column ${token.at + 1}, found ${found}` };
  }

  private expectOp(text: string): void {
    const t = this.next();
    if (t.kind !== 'op' || t.text !== text) this.fail(t, `"${text}"`);
  }

  private string(): string {
    const t = this.next();
    if (t.kind !== 'string') this.fail(t, 'a quoted string');
    return t.text;
  }

  parse(): CalicoSelector {
    if (this.peek().kind === 'end') return { op: 'all' };
    const expr = this.or();
    const t = this.peek();
    if (t.kind !== 'end') this.fail(t, '"&&", "||" or the end');
    return expr;
  }

  private or(): CalicoSelector {
    const operands = [this.and()];
    while (this.peek().kind === 'op' && this.peek().text === '||') {
      this.next();
      operands.push(this.and());
    }
    return operands.length === 1 ? operands[0]! : { op: 'or', operands };
  }

  private and(): CalicoSelector {
    const operands = [this.unary()];
    while (this.peek().kind === 'op' && this.peek().text === '&&') {
      this.next();
      operands.push(this.unary());
    }
    return operands.length === 1 ? operands[0]! : { op: 'and', operands };
  }

  private unary(): CalicoSelector {
    const t = this.next();
    if (t.kind === 'op' && t.text === '!') return { op: 'not', operand: this.unary() };
    if (t.kind === 'op' && t.text === '(') {
      const inner = this.or();
      this.expectOp(')');
      return inner;
    }
    if (t.kind !== 'word') this.fail(t, 'a label key, "has(", "all()", "!" or "("');
    const after = this.peek();
    if (
      (t.text === 'all' || t.text === 'global' || t.text === 'has') &&
      after.kind === 'op' &&
      after.text === '('
    ) {
      this.next();
      if (t.text === 'has') {
        const key = this.next();
        if (key.kind !== 'word') this.fail(key, 'a label key');
        this.expectOp(')');
        return { op: 'has', key: key.text };
      }
      this.expectOp(')');
      return { op: t.text === 'all' ? 'all' : 'global' };
    }
    const key = t.text;
    const op = this.next();
    if (op.kind === 'op' && (op.text === '==' || op.text === '!='))
      return { op: op.text === '==' ? 'eq' : 'ne', key, value: this.string() };
    if (op.kind === 'word') {
      if (op.text === 'in') return { op: 'in', key, values: this.set() };
      if (op.text === 'not') {
        const inWord = this.next();
        if (inWord.kind !== 'word' || inWord.text !== 'in') this.fail(inWord, '"in" after "not"');
        return { op: 'notin', key, values: this.set() };
      }
      if (op.text === 'contains') return { op: 'contains', key, value: this.string() };
      if (op.text === 'starts' || op.text === 'ends') {
        const withWord = this.next();
        if (withWord.kind !== 'word' || withWord.text !== 'with')
          this.fail(withWord, `"with" after "${op.text}"`);
        return { op: op.text, key, value: this.string() };
      }
    }
    return this.fail(op, `an operator after "${key}" (==, !=, in, not in, contains, starts with, ends with)`);
  }

  private set(): string[] {
    this.expectOp('{');
    const values: string[] = [];
    if (this.peek().kind === 'op' && this.peek().text === '}') {
      this.next();
      return values;
    }
    for (;;) {
      values.push(this.string());
      const t = this.next();
      if (t.kind === 'op' && t.text === '}') return values;
      if (t.kind !== 'op' || t.text !== ',') this.fail(t, '"," or "}"');
    }
  }
}

/** Parses a selector; an error carries the offset in `text` where it was found. */
export function parseCalicoSelector(text: string): CalicoSelector | SelectorError {
  const tokens = tokenize(text);
  if (!Array.isArray(tokens)) return tokens;
  try {
    return new Parser(tokens).parse();
  } catch (error) {
    if (typeof error === 'object' && error !== null && 'offset' in error) return error as SelectorError;
    throw error;
  }
}

export function isSelectorError(value: CalicoSelector | SelectorError): value is SelectorError {
  return 'offset' in value;
}

export function evaluateCalicoSelector(
  selector: CalicoSelector,
  labels: Readonly<Record<string, string>>,
): boolean {
  const has = (k: string) => Object.prototype.hasOwnProperty.call(labels, k);
  switch (selector.op) {
    case 'all':
      return true;
    case 'global':
      // `global()` matches resources that have no namespace (host endpoints, network sets), not pods.
      return false;
    case 'has':
      return has(selector.key);
    case 'eq':
      return has(selector.key) && labels[selector.key] === selector.value;
    case 'ne':
      return !has(selector.key) || labels[selector.key] !== selector.value;
    case 'contains':
      return has(selector.key) && labels[selector.key]!.includes(selector.value);
    case 'starts':
      return has(selector.key) && labels[selector.key]!.startsWith(selector.value);
    case 'ends':
      return has(selector.key) && labels[selector.key]!.endsWith(selector.value);
    case 'in':
      return has(selector.key) && selector.values.includes(labels[selector.key]!);
    case 'notin':
      return !has(selector.key) || !selector.values.includes(labels[selector.key]!);
    case 'not':
      return !evaluateCalicoSelector(selector.operand, labels);
    case 'and':
      return selector.operands.every((s) => evaluateCalicoSelector(s, labels));
    case 'or':
      return selector.operands.some((s) => evaluateCalicoSelector(s, labels));
  }
}

/** The label keys a selector reads, with the values it lists (for the engine's pod classes). */
export function calicoLabelUse(selector: CalicoSelector): Array<readonly [string, readonly string[]]> {
  switch (selector.op) {
    case 'all':
    case 'global':
      return [];
    case 'has':
      return [[selector.key, []]];
    case 'eq':
    case 'ne':
      return [[selector.key, [selector.value]]];
    case 'contains':
    case 'starts':
    case 'ends':
      // Any value may matter: listed as the key with no values, and the engine compares whole values
      // of keys it cannot enumerate (see reach/classes.ts).
      return [[selector.key, [ANY_VALUE]]];
    case 'in':
    case 'notin':
      return [[selector.key, selector.values]];
    case 'not':
      return calicoLabelUse(selector.operand);
    case 'and':
    case 'or':
      return selector.operands.flatMap(calicoLabelUse);
  }
}

/** True when the selector matches every label map (`all()`, the empty selector). */
export function selectsEverything(selector: CalicoSelector): boolean {
  return selector.op === 'all';
}
