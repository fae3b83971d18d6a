/**
 * Part of `npm run build`: writes eld's "small" n-gram model (the language detector's data) as JSON
 * to dist/language-model/eld-small.json. Read with JSON.parse, the model costs the decision worker
 * about 45 MB of memory; imported as eld's 1.6 MB JavaScript object literal it costs about 150 MB
 * (V8 keeps the parser's memory), which alone would put the daemon over its memory budget.
 * The data is eld's own, unchanged, from the installed (exactly pinned) package.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const source = new URL('../ngrams/small.js', import.meta.resolve('eld'));
const { ngramsData } = await import(source.href);
const out = path.join(root, 'dist', 'language-model', 'eld-small.json');
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify(ngramsData));
