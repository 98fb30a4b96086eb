/**
 * Loads a file again after an edit, re-parsing only the `---` documents whose text changed. Documents
 * before and after the edit (matched from both ends of the file) are reused; those after it have their
 * spans moved by the edit's length difference. The result is the same as `loadManifests` on the whole
 * text (a unit test checks this).
 */
import { SourceFile } from '../source/source-file.js';
import type { TextChange } from '../source/source-file.js';
import { loadManifests, defaultLoadLimits, mayBeTemplate } from '../parse/yaml-loader.js';
import type { LoadLimits, LoadProblem, LoadedFile, ManifestDocument } from '../parse/yaml-loader.js';
import { splitDocuments } from './document-chunks.js';
import { shiftNode, shiftSpanBy } from './shift.js';

interface ParsedChunk {
  readonly start: number;
  readonly text: string;
  /** Spans are absolute for `start`. */
  readonly documents: readonly ManifestDocument[];
  readonly problems: readonly LoadProblem[];
}

export interface IncrementalStats {
  /** Documents parsed by the last load. */
  parsed: number;
  /** Documents reused (possibly moved) by the last load. */
  reused: number;
}

export class IncrementalLoader {
  private chunks: ParsedChunk[] = [];
  readonly stats: IncrementalStats = { parsed: 0, reused: 0 };

  constructor(private readonly limits: LoadLimits = defaultLoadLimits) {}

  load(file: SourceFile, hint?: TextChange): LoadedFile {
    this.stats.parsed = 0;
    this.stats.reused = 0;
    const whole = loadWholeIfSpecial(file, this.limits);
    const split = whole ? undefined : splitDocuments(file.text);
    if (whole || !split) {
      this.chunks = [];
      const loaded = whole ?? loadManifests(file, this.limits);
      this.stats.parsed = loaded.documents.length;
      return loaded;
    }

    // Chunks equal to earlier ones are reused. With a hint, those wholly before or after the edit are
    // (same boundaries, unchanged text, no comparison needed); without one they are matched from both ends
    // of the file (an edit changes one place): comparing a chunk's text in place costs no copy, where a
    // map keyed by chunk text would hash them all.
    const old = this.chunks;
    const text = file.text;
    const same = (chunk: ParsedChunk, start: number, end: number) =>
      chunk.text.length === end - start && text.startsWith(chunk.text, start);
    let head = 0;
    let tail = 0;
    const byStart = hint ? new Map(old.map((c) => [c.start, c])) : undefined;
    const hinted = (start: number, end: number): ParsedChunk | undefined => {
      if (!hint || !byStart) return undefined;
      const delta = hint.newEnd - hint.oldEnd;
      const chunk =
        end <= hint.start
          ? byStart.get(start)
          : start >= hint.newEnd
            ? byStart.get(start - delta)
            : undefined;
      return chunk && chunk.text.length === end - start ? chunk : undefined;
    };
    if (!hint) {
      while (
        head < split.length &&
        head < old.length &&
        same(old[head]!, split[head]!.start, split[head]!.end)
      )
        head++;
      while (
        tail < split.length - head &&
        tail < old.length - head &&
        same(
          old[old.length - 1 - tail]!,
          split[split.length - 1 - tail]!.start,
          split[split.length - 1 - tail]!.end,
        )
      )
        tail++;
    }
    const next: ParsedChunk[] = [];
    split.forEach(({ start, end }, i) => {
      const reuse = hint
        ? hinted(start, end)
        : i < head
          ? old[i]
          : i >= split.length - tail
            ? old[old.length - (split.length - i)]
            : undefined;
      if (reuse) {
        const delta = start - reuse.start;
        next.push({
          start,
          text: reuse.text,
          documents: reuse.documents.map((d) => moveDocument(d, delta)),
          problems: reuse.problems.map((p) => shiftSpanBy(p, delta)),
        });
        this.stats.reused += reuse.documents.length;
        return;
      }
      const chunkText = text.slice(start, end);
      const loaded = loadManifests(new SourceFile(file.path, chunkText), this.limits);
      next.push({
        start,
        text: chunkText,
        documents: loaded.documents.map((d) => moveDocument(d, start)),
        problems: loaded.problems.map((p) => shiftSpanBy(p, start)),
      });
      this.stats.parsed += loaded.documents.length;
    });
    this.chunks = next;

    // A syntax error can run past a `---` line (the yaml parser carries an unterminated quoted scalar
    // over it), so the per-document result is only equal to the whole-text one when every document is
    // well-formed. While the text is broken, parse it whole; the chunk cache is kept for the next edit.
    if (next.some((c) => c.problems.some((p) => p.code === 'yaml-syntax'))) {
      const loaded = loadManifests(file, this.limits);
      this.stats.parsed = loaded.documents.length;
      this.stats.reused = 0;
      return loaded;
    }

    const documents: ManifestDocument[] = [];
    for (const chunk of next)
      for (const d of chunk.documents) documents.push({ ...d, index: documents.length });
    return { file, documents, problems: next.flatMap((c) => c.problems) };
  }
}

function moveDocument(document: ManifestDocument, delta: number): ManifestDocument {
  if (delta === 0) return document;
  return {
    ...document,
    span: { start: document.span.start + delta, end: document.span.end + delta },
    root: document.root && shiftNode(document.root, delta),
  };
}

/**
 * Whole-file conditions (size limit, Helm template) are decided on the whole text, exactly as
 * loadManifests decides them, before any splitting.
 */
function loadWholeIfSpecial(file: SourceFile, limits: LoadLimits): LoadedFile | undefined {
  if (file.text.length > limits.maxFileChars || mayBeTemplate(file.text)) return loadManifests(file, limits);
  return undefined;
}
