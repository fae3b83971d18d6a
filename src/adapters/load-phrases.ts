import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { CONCEPTS, compileLexicon, LANGUAGES, type Concept, type Lexicon, type WordLists } from '../core/lexicon.js';
import { PACKAGE_ROOT } from '../paths.js';

/** The word lists live as data, one YAML file per theme, so staff can read and extend them. */
export const PHRASES_DIR = path.join(PACKAGE_ROOT, 'src', 'core', 'phrases');
const FILES = ['approvals.yaml', 'subjects.yaml', 'ga-signoff.yaml', 'withdrawal.yaml', 'holds.yaml', 'courtesies.yaml'];

const perLanguage = z.object(Object.fromEntries(LANGUAGES.map((l) => [l, z.array(z.string().min(1).max(200)).max(2000).optional()]))).strict();
const file = z.partialRecord(z.enum(CONCEPTS), perLanguage);

let cached: Lexicon | undefined;

/** Loads and compiles every word list; a concept missing from all files, or an unknown key, fails at start-up. */
export function loadPhraseLists(dir: string = PHRASES_DIR): Lexicon {
  if (dir === PHRASES_DIR && cached) return cached;
  const lists: Partial<WordLists> = {};
  for (const name of FILES) {
    const full = path.join(dir, name);
    const parsed = file.safeParse(parse(readFileSync(full, 'utf8'), { maxAliasCount: 10 }));
    if (!parsed.success) throw new Error(`${full}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    for (const [concept, words] of Object.entries(parsed.data) as Array<[Concept, WordLists[Concept]]>) {
      if (lists[concept]) throw new Error(`${full}: ${concept} is already defined in another file`);
      lists[concept] = words;
    }
  }
  const missing = CONCEPTS.filter((c) => !lists[c]);
  if (missing.length > 0) throw new Error(`${dir}: no word list for ${missing.join(', ')}`);
  const compiled = compileLexicon(lists as WordLists);
  if (dir === PHRASES_DIR) cached = compiled;
  return compiled;
}
