/**
 * Where YAML documents start: lines beginning with `---` followed by a space, a tab, a line break or the
 * end of the text. Such a line is a document marker wherever it appears, because the YAML spec forbids it
 * inside scalars ("c-forbidden", https://yaml.org/spec/1.2.2/#912-document-markers). The one definition
 * used by the loader's fast path and by the language server's incremental re-parsing.
 */
export function documentMarkers(text: string): number[] {
  const out: number[] = [];
  for (let at = text.indexOf('---'); at >= 0; at = text.indexOf('---', at + 3)) {
    if (at > 0 && text.charCodeAt(at - 1) !== 10 /* \n */) continue;
    const next = text.charCodeAt(at + 3);
    if (at + 3 === text.length || next === 10 || next === 13 || next === 32 || next === 9) out.push(at);
  }
  return out;
}

/**
 * A document's span without its leading `---` marker line: the document starts after the marker (on the
 * marker line itself when content follows it there, as in `--- {a: 1}`).
 */
export function withoutMarker(text: string, start: number, end: number): { start: number; end: number } {
  if (!text.startsWith('---', start)) return { start, end };
  let at = start + 3;
  while (at < end && (text[at] === ' ' || text[at] === '\t')) at++;
  if (at < end && text[at] !== '\n' && text[at] !== '\r' && text[at] !== '#') return { start: at, end };
  const newline = text.indexOf('\n', at);
  const next = newline < 0 || newline + 1 > end ? end : newline + 1;
  return { start: next, end: Math.max(next, end) };
}
