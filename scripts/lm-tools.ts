/**
 * Writes package.json's `contributes.languageModelTools` from the tools' zod schemas
 * (shared/tools/schemas.ts `languageModelToolsManifest`): `node --import tsx scripts/lm-tools.ts`.
 * test/unit/tools.test.ts fails when package.json is out of date.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { languageModelToolsManifest } from '../shared/tools/schemas.js';

const path = join(__dirname, '..', 'package.json');
const pkg = JSON.parse(readFileSync(path, 'utf8')) as { contributes: Record<string, unknown> };
pkg.contributes.languageModelTools = languageModelToolsManifest();
writeFileSync(path, JSON.stringify(pkg, null, 2) + '\n');
