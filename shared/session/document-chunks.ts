/**
 * Splits manifest text at YAML document markers so that an edit re-parses only the `---` document it
 * touches. A line starting with `---` followed by a space or the line end is a document marker
 * wherever it appears: the YAML 1.2 spec forbids such lines inside scalars ("c-forbidden",
 * https://yaml.org/spec/1.2.2/#912-document-markers), so splitting there never cuts a document in two.
 */
export interface Chunk {
  readonly start: number;
  readonly end: number;
}

/** Start-of-document markers only: a `...` end marker belongs to the document it closes. */
const MARKER = /^---(?=[ \t\r\n]|$)/gm;

/**
 * Chunks of the text, each starting at a `---` line (the first one at 0). Returns undefined when the
 * text uses directives (`%YAML`, `%TAG`), which bind to the following document: such files are parsed whole.
 */
export function splitDocuments(text: string): Chunk[] | undefined {
  if (/^%/m.test(text)) return undefined;
  const starts = [0];
  for (const match of text.matchAll(MARKER)) if (match.index > 0) starts.push(match.index);
  return starts.map((start, i) => ({ start, end: i + 1 < starts.length ? starts[i + 1]! : text.length }));
}
