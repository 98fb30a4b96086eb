/**
 * The one place where core offsets become LSP positions and back. The core works in UTF-16 offsets
 * (what JavaScript strings and LSP's default position encoding use); SourceFile does the arithmetic.
 */
import type { Position, Range } from 'vscode-languageserver';
import type { SourceFile, Span } from '../shared/source/source-file.js';

export function toRange(file: SourceFile, span: Span): Range {
  return { start: file.positionAt(span.start), end: file.positionAt(span.end) };
}

export function toOffset(file: SourceFile, position: Position): number {
  return file.offsetAt(position);
}
