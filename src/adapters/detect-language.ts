import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { LanguageDetector } from '../core/decide.js';
import { PACKAGE_ROOT } from '../paths.js';

interface Eld {
  detect(text: string): { language: string; getScores(): Record<string, number> };
}

/** Written by `npm run build` (scripts/build-language-model.mjs): eld's small model as JSON. */
export const LANGUAGE_MODEL_JSON = path.join(PACKAGE_ROOT, 'dist', 'language-model', 'eld-small.json');

/**
 * eld's "small" model, preferably read as JSON: the same data costs about 45 MB this way against
 * about 150 MB when V8 parses it as eld's JavaScript module, which alone would break the daemon's
 * memory budget. eld's public API only loads its own module files, so its detector factory is
 * reached by file (eld is pinned exactly; a test checks both paths give the same answers). Without
 * a build (sources run by vitest), eld's own static module is used: same model, more memory.
 */
async function loadEld(): Promise<Eld> {
  if (existsSync(LANGUAGE_MODEL_JSON)) {
    const factory = new URL('../languageDetector.js', import.meta.resolve('eld'));
    const { createEld } = (await import(factory.href)) as { createEld: () => { instance: Eld; loadData: (data: unknown) => string } };
    const { instance, loadData } = createEld();
    if (loadData(JSON.parse(readFileSync(LANGUAGE_MODEL_JSON, 'utf8')))) return instance;
  }
  return (await import('eld/small')).eld;
}

const eld = await loadEld();

/**
 * Language of a text by eld (Efficient Language Detector, n-gram model shipped in its package).
 * The sample is capped: a few kilobytes tell the language as well as a megabyte does.
 */
export const detectLanguage: LanguageDetector = (text: string) => {
  const result = eld.detect(text.slice(0, 4000));
  return { language: result.language || 'und', scores: result.getScores() };
};
