import winkNLP, { type ItemSentence, type ItemToken } from 'wink-nlp';
import model from 'wink-eng-lite-web-model';
import type { Sentence, SentenceAnalyzer } from '../core/classify.js';

let nlp: ReturnType<typeof winkNLP> | undefined;

/**
 * Sentence splitting and negation scope from wink-nlp, whose English model ships in its npm package.
 * Token offsets are recovered by walking the sentence text, since wink gives tokens, not offsets.
 */
export const winkSentences: SentenceAnalyzer = (text: string): Sentence[] => {
  nlp ??= winkNLP(model, ['sbd', 'negation']);
  const its = nlp.its;
  const doc = nlp.readDoc(text.slice(0, 100_000));
  const out: Sentence[] = [];
  doc.sentences().each((s: ItemSentence) => {
    const sText = s.out() as string;
    const negated: [number, number][] = [];
    let cursor = 0;
    s.tokens().each((t: ItemToken) => {
      const value = t.out() as string;
      const at = sText.indexOf(value, cursor);
      if (at < 0) return;
      cursor = at + value.length;
      if (t.out(its.negationFlag)) negated.push([at, cursor]);
    });
    out.push({ text: sText, negated });
  });
  return out;
};
