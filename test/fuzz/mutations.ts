/**
 * Seeded mutations of manifest text: what users and tools do to YAML (truncation, lost or changed
 * indentation, stray dashes, duplicated keys, `---` in odd places, aliases and anchors including cycles,
 * Helm templates, CRLF and lone CR line endings, binary bytes, huge scalars, deep nesting, characters
 * outside the BMP). Each mutation returns the whole new text; the fuzzer sends it as one minimal
 * incremental change.
 */
export type Random = () => number;

export interface Mutation {
  readonly name: string;
  apply(text: string, random: Random): string;
}

export function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function int(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** Offsets of line starts (`\n` and lone `\r` end lines; a CRLF is one break). */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) starts.push(i + 1);
  }
  return starts;
}

function randomLine(text: string, random: Random): { start: number; end: number } {
  const starts = lineStarts(text);
  const index = int(random, 0, starts.length - 1);
  const start = starts[index]!;
  let end = starts[index + 1] ?? text.length;
  while (end > start && (text[end - 1] === '\n' || text[end - 1] === '\r')) end--;
  return { start, end };
}

function splice(text: string, start: number, end: number, insert: string): string {
  return text.slice(0, start) + insert + text.slice(end);
}

/** An offset that may fall anywhere, including inside a CRLF or a surrogate pair. */
function anyOffset(text: string, random: Random): number {
  return int(random, 0, text.length);
}

const snippets = [
  '\n---\n',
  '---\n',
  '- ',
  '  - ',
  ': ',
  '{',
  '}',
  '[',
  ']',
  '"',
  "'",
  '#',
  ' # note\n',
  '\t',
  '\n',
  '\r\n',
  '\r',
  '&a ',
  '*a',
  '<<: *a\n',
  '{{ .Values.x }}',
  '{{- if .Values.y }}\n',
  '😀',
  '\u0000',
  '\uFFFD',
  '\uFEFF',
  '\u2028',
  'null',
  '~',
  '{}',
  '[]',
  'podSelector: {}\n',
  'namespaceSelector: {}\n',
  'policyTypes: [Egress]\n',
  'ports:\n- port: 53\n  protocol: UDP\n',
  'matchLabels:\n',
  'ipBlock: {cidr: 0.0.0.0/0}\n',
  'port: http\n',
  'endPort: 70000\n',
];

export const mutations: readonly Mutation[] = [
  {
    name: 'truncate',
    apply: (text, random) => text.slice(0, anyOffset(text, random)),
  },
  {
    name: 'delete range',
    apply: (text, random) => {
      const start = anyOffset(text, random);
      return splice(text, start, Math.min(text.length, start + int(random, 1, 40)), '');
    },
  },
  {
    name: 'insert snippet',
    apply: (text, random) => {
      const at = anyOffset(text, random);
      return splice(text, at, at, pick(random, snippets));
    },
  },
  {
    name: 'lose indentation',
    apply: (text, random) => {
      const line = randomLine(text, random);
      const content = text.slice(line.start, line.end);
      return splice(text, line.start, line.end, content.trimStart());
    },
  },
  {
    name: 'change indentation',
    apply: (text, random) => {
      const line = randomLine(text, random);
      return random() < 0.5
        ? splice(text, line.start, line.start, ' '.repeat(int(random, 1, 4)))
        : splice(text, line.start, Math.min(line.end, line.start + int(random, 1, 4)), '');
    },
  },
  {
    name: 'delete line',
    apply: (text, random) => {
      const line = randomLine(text, random);
      let end = line.end;
      if (text.startsWith('\r\n', end)) end += 2;
      else if (end < text.length) end += 1;
      return splice(text, line.start, end, '');
    },
  },
  {
    name: 'duplicate line',
    apply: (text, random) => {
      const line = randomLine(text, random);
      const eol = /\r\n|\r|\n/.exec(text)?.[0] ?? '\n';
      return splice(text, line.start, line.start, text.slice(line.start, line.end) + eol);
    },
  },
  {
    name: 'duplicate a key block',
    apply: (text, random) => {
      // Repeats `spec:` (or another key) with its block: a duplicate key whose copies differ later.
      const keys = [...text.matchAll(/^( *)(spec|metadata|podSelector|ingress|egress|ports):/gm)];
      if (keys.length === 0) return text;
      const key = pick(random, keys);
      const start = key.index;
      const indent = key[1]!.length;
      const rest = text.slice(start + key[0].length);
      const next = new RegExp(`\\n {0,${indent}}\\S`).exec(rest);
      const end = next ? start + key[0].length + next.index + 1 : text.length;
      const block = text.slice(start, end);
      return splice(text, end, end, block.endsWith('\n') ? block : `${block}\n`);
    },
  },
  {
    name: 'swap lines',
    apply: (text, random) => {
      const lines = text.split('\n');
      if (lines.length < 2) return text;
      const i = int(random, 0, lines.length - 2);
      [lines[i], lines[i + 1]] = [lines[i + 1]!, lines[i]!];
      return lines.join('\n');
    },
  },
  {
    name: 'self-referencing alias',
    apply: (text, random) => {
      const line = randomLine(text, random);
      const content = text.slice(line.start, line.end);
      const m = /^(\s*)([\w.-]+):\s*$/.exec(content);
      if (!m) return splice(text, line.end, line.end, `\n${' '.repeat(int(random, 0, 4))}a: &x\n  b: *x`);
      return splice(text, line.start, line.end, `${m[1]}${m[2]}: &cycle\n${m[1]}  again: *cycle`);
    },
  },
  {
    name: 'anchor and alias',
    apply: (text, random) => {
      const line = randomLine(text, random);
      const content = text.slice(line.start, line.end);
      const m = /^(\s*)([\w.-]+):(\s*)(.*)$/.exec(content);
      if (!m) return text;
      const alias = m[4] === '' ? ' *alias' : ` &alias ${m[4]}`;
      return splice(text, line.start, line.end, `${m[1]}${m[2]}:${alias}`);
    },
  },
  {
    name: 'crlf',
    apply: (text, random) =>
      random() < 0.5
        ? text.replace(/\r?\n/g, '\r\n')
        : text.replace(/\n/g, () => (random() < 0.3 ? '\r\n' : '\n')),
  },
  {
    name: 'lone cr',
    apply: (text) => text.replace(/\r?\n/g, '\r'),
  },
  {
    name: 'binary bytes',
    apply: (text, random) => {
      const at = anyOffset(text, random);
      const bytes = Array.from({ length: int(random, 1, 16) }, () =>
        String.fromCharCode(int(random, 0, 0xffff)),
      );
      return splice(text, at, at, bytes.join(''));
    },
  },
  {
    name: 'huge scalar',
    apply: (text, random) => {
      const line = randomLine(text, random);
      const huge = 'x'.repeat(int(random, 10_000, 200_000));
      return splice(text, line.end, line.end, `\nhuge${int(random, 0, 99)}: ${huge}`);
    },
  },
  {
    name: 'deep nesting',
    apply: (text, random) => {
      const depth = pick(random, [100, 255, 257, 300, 1_000, 5_000]);
      const line = randomLine(text, random);
      const style = random();
      const nested =
        style < 0.4
          ? `deep: ${'['.repeat(depth)}${']'.repeat(depth)}`
          : style < 0.8
            ? `deep:${Array.from({ length: Math.min(depth, 1_500) }, (_, i) => `\n${' '.repeat(i + 1)}k:`).join('')} 1`
            : `deep:\n${'- '.repeat(depth)}x`;
      // With a stray template directive beside it, the document once took the YAML parser's error
      // path at the end of the stack (a fatal V8 error before nesting-guard.ts).
      const template = random() < 0.3 ? '\nname: {{ .x }}' : '';
      return splice(text, line.end, line.end, `\n${nested}${template}`);
    },
  },
  {
    name: 'empty first line',
    apply: (text) => `\n${text}`,
  },
  {
    name: 'helm template',
    apply: (text, random) => {
      const line = randomLine(text, random);
      return splice(
        text,
        line.end,
        line.end,
        pick(random, [' {{ .Values.name }}', '\n{{- end }}', ' {{ $x }}']),
      );
    },
  },
  {
    name: 'surrogate pair',
    apply: (text, random) => {
      const at = anyOffset(text, random);
      return splice(text, at, at, pick(random, ['😀', '𝔘', 'a😀b', '\uD83D', '\uDE00']));
    },
  },
  {
    name: 'replace value',
    apply: (text, random) => {
      const values = [...text.matchAll(/: (\S[^\n#]*)/g)];
      if (values.length === 0) return text;
      const value = pick(random, values);
      const start = value.index + 2;
      return splice(
        text,
        start,
        start + value[1]!.length,
        pick(random, [
          '{}',
          '[]',
          'null',
          '""',
          '0',
          '-1',
          '65536',
          'TCP',
          'tcp',
          'Egress',
          '[Ingress, Egress]',
          '0.0.0.0/0',
          'http',
          '*a',
        ]),
      );
    },
  },
];

export function mutate(text: string, random: Random): { text: string; name: string } {
  const mutation = pick(random, mutations);
  return { text: mutation.apply(text, random), name: mutation.name };
}
