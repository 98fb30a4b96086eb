/**
 * Splits manifest text at YAML document markers (parse/document-markers.ts) so that an edit re-parses
 * only the `---` document it touches.
 */
import { documentMarkers } from '../parse/document-markers.js';

export interface Chunk {
  readonly start: number;
  readonly end: number;
}

/**
 * Chunks of the text, each starting at a `---` line (the first one at 0). Returns undefined when the
 * text uses directives (`%YAML`, `%TAG`), which bind to the following document: such files are parsed whole.
 */
export function splitDocuments(text: string): Chunk[] | undefined {
  if (/^%/m.test(text)) return undefined;
  // Start-of-document markers only: a `...` end marker belongs to the document it closes.
  const starts = [0, ...documentMarkers(text).filter((at) => at > 0)];
  return starts.map((start, i) => ({ start, end: i + 1 < starts.length ? starts[i + 1]! : text.length }));
}

/** The chunks of a text: {@link splitDocuments}, or the whole text for a file with directives. */
export function documentChunks(text: string): Chunk[] {
  return splitDocuments(text) ?? [{ start: 0, end: text.length }];
}

/** The chunk holding offset `at`, if any (none at the end of the text). */
export function chunkAt(chunks: readonly Chunk[], at: number): Chunk | undefined {
  return chunks.find((c) => at >= c.start && at < c.end);
}
