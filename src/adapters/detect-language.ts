import { eld } from 'eld/small';
import type { LanguageDetector } from '../core/decide.js';

/**
 * Language of a text by eld (Efficient Language Detector, n-gram model shipped in its package).
 * The sample is capped: a few kilobytes tell the language as well as a megabyte does.
 */
export const detectLanguage: LanguageDetector = (text: string) => {
  const result = eld.detect(text.slice(0, 4000));
  return { language: result.language || 'und', scores: result.getScores() };
};
