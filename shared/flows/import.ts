/**
 * Reading a flow file: the format is told from the content (Hubble JSON lines or arrays, the plain
 * JSON array, the plain CSV), never from the name. A text of no known format is an error the caller
 * reports, not an empty result.
 */
import { importHubble, isHubble } from './hubble.js';
import { importPlainCsv, importPlainJson, isPlainCsv } from './plain.js';
import type { ImportResult } from './records.js';

export function importFlows(text: string): ImportResult | undefined {
  const plainJson = text.trim().startsWith('[') ? importPlainJson(text) : undefined;
  if (plainJson) return plainJson;
  if (isHubble(text)) return importHubble(text);
  if (isPlainCsv(text)) return importPlainCsv(text);
  return undefined;
}
