import { describe, expect, it } from 'vitest';
import { loadPhraseLists } from '../../src/adapters/load-phrases.js';
import { classifyText } from '../../src/core/classify.js';
import { tagTokens } from '../../src/core/lexicon.js';
import { readCues } from '../../src/core/read-cues.js';
import { splitSentences } from '../../src/core/sentences.js';

/**
 * Every word the hold rules in read-cues.ts list is honoured, one at a time: a forgotten future or
 * question word would let a promise or a question read as an approval. Written against the mutants
 * Stryker left alive in read-cues.ts.
 */
const lex = loadPhraseLists();
const classify = (t: string) => classifyText(t, lex);
const cuesOf = (t: string) => {
  const s = splitSentences(t)[0]!;
  return readCues(s, tagTokens(s.tokens, lex));
};

describe('read-cues: a promise is not an approval', () => {
  it.each(['will', 'shall', "we'll", "i'll", "they'll", "it'll", 'gonna', 'werden', 'wird', 'vamos', 'va', 'vont', 'allons', 'pourra', 'podra', 'sera', 'seront'])('holds "%s approve production" as a future', (w) => {
    const c = classify(`Then ${w} approve production.`);
    expect(c).toMatchObject({ intent: 'production_approval', confidence: 0.2, matched: [] });
    expect(c.blockers.map((b) => b.of)).toEqual(['production_approval']);
    expect(cuesOf(`Then ${w} approve production.`)).toContainEqual({ kind: 'future', cue: `${w} approve` });
  });
});

describe('read-cues: a question opened by an auxiliary before its subject', () => {
  it.each(['is', 'are', 'was', 'were', 'do', 'does', 'did', 'can', 'could', 'would', 'will', 'should', 'shall', 'may', 'might', 'have', 'has', 'had', 'must'])('reads "%s they …" as a question', (aux) => {
    expect(cuesOf(`${aux} they approve production.`)).toContainEqual({ kind: 'question', cue: `${aux} they` });
  });

  it.each(['i', 'you', 'we', 'they', 'it', 'this', 'that', 'there', 'the', 'our', 'your', 'he', 'she', 'someone', 'anyone', 'anybody', 'everything', 'everyone', 'all', 'these', 'those', 'acme', 'legal'])('reads "did %s …" as a question', (subject) => {
    expect(cuesOf(`did ${subject} approve production.`)).toContainEqual({ kind: 'question', cue: `did ${subject}` });
  });

  it.each(['so', 'and', 'also', 'but', 'ok', 'okay', 'well', 'then', 'quick', 'question', 'hi', 'hello', 'just', 'one', 'pd', 'ps'])('looks past the opener "%s" for the question', (opener) => {
    expect(cuesOf(`${opener} are they ready for production.`)).toContainEqual({ kind: 'question', cue: 'are they' });
  });
});

describe('read-cues: after or before a finished action is no condition', () => {
  // "après" and "después" are listed as waits, not conditions, so the exemption never applies to them.
  it.each(['after', 'before', 'antes', 'avant', 'nachdem', 'bevor'])('does not hold "%s testing, we approve production"', (w) => {
    expect(cuesOf(`${w} testing, we approve production.`)).toEqual([]);
  });

  it.each(['avoir', 'haber', 'careful', 'thorough', 'successful', 'extensive', 'several', 'weeks', 'months', 'much'])('does not hold "after %s review, we approve production"', (w) => {
    expect(cuesOf(`After ${w} review, we approve production.`)).toEqual([]);
  });
});

describe('read-cues: the edges of the hold rules', () => {
  it('keeps a condition followed by an -ing word that is no finished action', () => {
    expect(cuesOf('If testing passes, we approve production.')).toEqual([{ kind: 'conditional', cue: 'If' }]);
    expect(cuesOf('After thinking it over, we approve production.')).toEqual([]);
  });

  it('keeps a condition after "is" unless it is "provided"', () => {
    expect(cuesOf('Our approval is contingent on training.')).toEqual([{ kind: 'conditional', cue: 'contingent' }]);
  });

  it('reads a number after a hold word other than "may" as no date', () => {
    expect(cuesOf('Pending 2 checks, we approve production.')).toEqual([{ kind: 'wait', cue: 'Pending' }]);
  });

  it('finds a question after a greeting, in lower case or capitalised after a name', () => {
    expect(cuesOf('Good morning, can you approve production.')).toContainEqual({ kind: 'question', cue: 'can you' });
    expect(cuesOf('Thanks Pat, Can you approve production.')).toContainEqual({ kind: 'question', cue: 'Can you' });
  });

  it('does not excuse a hold word that comes before a courtesy, only one inside it', () => {
    expect(classify('If training is done we approve production, thanks.')).toMatchObject({ matched: [], blockers: [{ kind: 'conditional', of: 'production_approval', cue: 'If' }] });
    expect(classify('We approve production, let me know if questions come up.')).toMatchObject({ intent: 'production_approval', confidence: 0.9, blockers: [] });
  });

  it('lists at most eight cues', () => {
    expect(cuesOf('Why ??????????')).toHaveLength(8);
  });

  it('reads "going" as a promise of what follows, not of itself', () => {
    expect(cuesOf('We are going to production.')).toEqual([]);
    expect(cuesOf('We are going to approve production.')).toContainEqual({ kind: 'future', cue: 'going to approve' });
  });

  it.each(['you', 'we'])('reads "must %s …" as a question as well as a modal', (subject) => {
    expect(cuesOf(`must ${subject} approve production.`)).toContainEqual({ kind: 'question', cue: `must ${subject}` });
  });
});
