/**
 * Location of the peer suites, read in place from ../shared/peer-suites beside the repository
 * (never copied into it). Tests skip with a clear message when the folder is absent.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './cli.js';

export const peerSuitesRoot = join(repoRoot, '..', 'shared', 'peer-suites');

export const peerSuitesPresent = existsSync(join(peerSuitesRoot, 'README.md'));

export const peerSuitesAbsentMessage = `peer suites absent: ${peerSuitesRoot} not found; these comparisons were not run`;

export function peerPath(...parts: string[]): string {
  return join(peerSuitesRoot, ...parts);
}
