import { describe, expect, it } from 'vitest';
import { loadPhraseLists } from '../../src/adapters/load-phrases.js';
import { tagTokens } from '../../src/core/lexicon.js';
import { readCues } from '../../src/core/read-cues.js';
import { splitSentences } from '../../src/core/sentences.js';

const lex = loadPhraseLists();
/** The cues of a one-sentence text. */
const cues = (t: string) => {
  const [s] = splitSentences(t);
  return readCues(s!, tagTokens(s!.tokens, lex));
};

describe('readCues: what holds a sentence back', () => {
  it.each([
    ['We do not approve production.', 'negated', 'not'],
    ['Please wait for the board.', 'wait', 'wait'],
    ['We approve if the training is done.', 'conditional', 'if'],
    ['We should approve production.', 'modal', 'should'],
    ['Approved?', 'question', '?'],
    ['Oh sure, approved for production.', 'sarcasm', 'Oh sure'],
    ['What is the plan for production.', 'question', 'What'],
  ])('"%s" is %s by "%s"', (t, kind, cue) => {
    expect(cues(t)[0]).toEqual({ kind, cue });
  });

  it('reports every cue in order', () => {
    // "should we" in the middle of a sentence opens no question; "?" is listed once per language.
    const c = cues('We do not approve yet, should we wait?');
    expect(c.slice(0, 4)).toEqual([
      { kind: 'negated', cue: 'not' },
      { kind: 'wait', cue: 'yet' },
      { kind: 'modal', cue: 'should' },
      { kind: 'wait', cue: 'wait' },
    ]);
    expect(c.length).toBeGreaterThan(4);
    expect(c.slice(4).every((x) => x.kind === 'question' && x.cue === '?')).toBe(true);
  });

  it('finds nothing in a plain approval', () => {
    expect(cues('We approve Acme Scheduler for production.')).toEqual([]);
  });
});

describe('readCues: hold words that hold nothing back', () => {
  it('reads courtesies, double negatives and permission as neutral', () => {
    expect(cues('Let me know if you need anything.')).toEqual([]);
    expect(cues('We have no objection to production.')).toEqual([]);
    expect(cues('You may proceed to production.')).toEqual([]);
  });

  it('still reads a hold beside a courtesy', () => {
    expect(cues('Let me know if you need anything, but do not send yet.')).toEqual([
      { kind: 'negated', cue: 'not' },
      { kind: 'wait', cue: 'yet' },
    ]);
  });

  it('reads "after" or "before" a finished action as no condition', () => {
    expect(cues('After reviewing the results, we approve.')).toEqual([]);
    expect(cues('After careful review, we approve.')).toEqual([]);
    expect(cues('After extensive testing, we approve.')).toEqual([]);
    expect(cues('After the board meets, we approve.')).toEqual([{ kind: 'conditional', cue: 'After' }]);
    expect(cues('We approve after')).toEqual([{ kind: 'conditional', cue: 'after' }]);
  });

  it('reads "approval is provided" as given, and "provided the training is done" as a condition', () => {
    expect(cues('Approval is provided.')).toEqual([]);
    expect(cues('Our consent provided here.')).toEqual([]);
    expect(cues('We approve, provided the training is done.')).toEqual([{ kind: 'conditional', cue: 'provided' }]);
    expect(cues('Provided the training is done, we approve.')).toEqual([{ kind: 'conditional', cue: 'Provided' }]);
  });

  it('reads "provided that" as a condition even after "is"', () => {
    expect(cues('It is provided that the training is done.')).toContainEqual({ kind: 'conditional', cue: 'provided that' });
  });

  it('reads "May" beside a number as a date, not a modal', () => {
    expect(cues('We approve as of May 5.')).toEqual([]);
    expect(cues('We approve as of 5 May.')).toEqual([]);
    expect(cues('We may approve production.')).toEqual([{ kind: 'modal', cue: 'may' }]);
    expect(cues('May')).toEqual([{ kind: 'modal', cue: 'May' }]);
  });

  it('reads a question word as a question only at the start, after openers', () => {
    expect(cues('So what is the plan.')).toEqual([{ kind: 'question', cue: 'what' }]);
    expect(cues('We approve what you sent.')).toEqual([]);
    expect(cues('Hi what now')).toEqual([{ kind: 'question', cue: 'what' }]);
  });
});

describe('readCues: a question without a question mark', () => {
  it('reads an auxiliary before its subject as a question', () => {
    expect(cues('Was our approval recorded')).toEqual([{ kind: 'question', cue: 'Was our' }]);
    expect(cues('So was our approval recorded')).toEqual([{ kind: 'question', cue: 'was our' }]);
    expect(cues('Must legal sign too')).toEqual([
      { kind: 'modal', cue: 'Must' },
      { kind: 'question', cue: 'Must legal' },
    ]);
  });

  it('does not read a statement or a lone auxiliary as a question', () => {
    expect(cues('Our approval was recorded')).toEqual([]);
    expect(cues('Was')).toEqual([]);
    expect(cues('So')).toEqual([]);
    expect(cues('Was recorded')).toEqual([]);
  });

  it('adds no second question cue when the sentence already has one', () => {
    const c = cues('Is it approved');
    expect(c).toEqual([{ kind: 'question', cue: 'Is it' }]);
    expect(cues('Is legal on board?').filter((x) => x.cue === 'Is legal')).toEqual([]);
    expect(cues('Is legal on board').filter((x) => x.cue === 'Is legal')).toEqual([{ kind: 'question', cue: 'Is legal' }]);
  });
});

describe('readCues: a promise for later', () => {
  it('reads "will" up to three words before an approval word as a promise', () => {
    expect(cues('We will approve production.')).toEqual([{ kind: 'future', cue: 'will approve' }]);
    expect(cues('We will then formally approve production.')).toEqual([{ kind: 'future', cue: 'will then formally approve' }]);
    expect(cues('Will we approve')).toContainEqual({ kind: 'future', cue: 'Will we approve' });
  });

  it('does not reach further than three words back', () => {
    expect(cues('We will, as you know, approve production.')).toEqual([]);
  });

  it('reports one promise per approval word', () => {
    expect(cues("We'll will approve production.")).toEqual([{ kind: 'future', cue: "We'll will approve" }]);
  });
});
