import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { compilePhraseLists, type CompiledPhraseLists, type PhraseLists } from '../core/classify.js';
import { PACKAGE_ROOT } from '../paths.js';

/** The phrase lists live as data, one YAML file per intent, so staff can read and extend them. */
export const PHRASES_DIR = path.join(PACKAGE_ROOT, 'src', 'core', 'phrases');

const list = z.array(z.string().min(1)).min(1);
const FILES = {
  betaConsent: ['beta-consent.yaml', z.object({ agreement: list, beta_site: list }).strict()],
  productionApproval: ['production-approval.yaml', z.object({ phrases: list }).strict()],
  gaSignoff: ['ga-signoff.yaml', z.object({ phrases: list }).strict()],
  withdrawal: ['withdrawal.yaml', z.object({ phrases: list }).strict()],
  blockers: ['blockers.yaml', z.object({ conditional: list, wait: list, question_start: list }).strict()],
} as const;

let cached: CompiledPhraseLists | undefined;

export function loadPhraseLists(dir: string = PHRASES_DIR): CompiledPhraseLists {
  if (dir === PHRASES_DIR && cached) return cached;
  const out: Record<string, unknown> = {};
  for (const [key, [file, schema]] of Object.entries(FILES)) {
    const full = path.join(dir, file);
    const parsed = (schema as z.ZodType).safeParse(parse(readFileSync(full, 'utf8')));
    if (!parsed.success) throw new Error(`${full}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    out[key] = parsed.data;
  }
  const compiled = compilePhraseLists(out as unknown as PhraseLists);
  if (dir === PHRASES_DIR) cached = compiled;
  return compiled;
}
