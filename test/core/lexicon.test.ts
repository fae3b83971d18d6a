import { describe, expect, it } from 'vitest';
import { loadPhraseLists } from '../../src/adapters/load-phrases.js';
import { CONCEPTS, compileLexicon, tagTokens, type Concept, type WordLists } from '../../src/core/lexicon.js';
import { tokenize } from '../../src/core/sentences.js';

const lists = (over: Partial<Record<Concept, readonly string[]>>): WordLists =>
  Object.fromEntries(CONCEPTS.map((c) => [c, over[c] ? { en: over[c] } : {}])) as unknown as WordLists;
const tags = (text: string, lex = compileLexicon(lists({}))) => tagTokens(tokenize(text), lex).map((t) => [t.concept, t.start, t.end]);

describe('compileLexicon', () => {
  it('files every non-empty entry and skips blank ones', () => {
    const lex = compileLexicon(lists({ approve: ['approve', '  ', '', 'ok'], wait: ['wait'] }));
    expect([...lex.byFirst.keys()].sort()).toEqual(['approve', 'ok', 'wait']);
    expect([...lex.byFirst.values()].flat()).toHaveLength(3);
  });

  it('files "word*" as a prefix and "*word" as a suffix, by their lengths', () => {
    const lex = compileLexicon(lists({ test: ['test*', '*datenbank'], production: ['prod*'] }));
    expect([...lex.prefixes.keys()].sort()).toEqual(['prod', 'test']);
    expect(lex.prefixLengths).toEqual([4]);
    expect([...lex.suffixes.keys()]).toEqual(['datenbank']);
    expect(lex.suffixLengths).toEqual([9]);
    expect(lex.byFirst.size).toBe(0);
  });

  it('reads a lone "*" or a starred phrase as a plain entry', () => {
    const lex = compileLexicon(lists({ wait: ['*'], approve: ['ok *'] }));
    expect(lex.prefixes.size).toBe(0);
    expect(lex.suffixes.size).toBe(0);
  });

  it('sorts the probe lengths ascending and keeps each once', () => {
    const lex = compileLexicon(lists({ test: ['testing*', 'te*', 'test*'], production: ['prod*'] }));
    expect(lex.prefixLengths).toEqual([2, 4, 7]);
  });

  it('keeps an elided article with its apostrophe as one word', () => {
    const lex = compileLexicon(lists({ negation: ["n'"] }));
    expect(lex.byFirst.get("n'")).toEqual([{ concept: 'negation', words: ["n'"] }]);
  });

  it('files a phrase by its first word, and also in its hyphenated form', () => {
    const lex = compileLexicon(lists({ approval_noun: ['Thumbs Up'] }));
    expect(lex.byFirst.get('thumbs')).toEqual([{ concept: 'approval_noun', words: ['thumbs', 'up'] }]);
    expect(lex.byFirst.get('thumbs-up')).toEqual([{ concept: 'approval_noun', words: ['thumbs-up'] }]);
  });

  it('files a hyphenated word also as its parts in a row', () => {
    const lex = compileLexicon(lists({ production: ['go-live'] }));
    expect(lex.byFirst.get('go-live')).toEqual([{ concept: 'production', words: ['go-live'] }]);
    expect(lex.byFirst.get('go')).toEqual([{ concept: 'production', words: ['go', 'live'] }]);
  });

  it('skips an entry with no word in it', () => {
    expect(compileLexicon(lists({ approve: ['...'] })).byFirst.size).toBe(0);
  });
});

describe('tagTokens', () => {
  const lex = compileLexicon(
    lists({
      approve: ['approve'],
      approval_noun: ['thumbs up', 'go-ahead'],
      production: ['prod*', 'go-live'],
      test: ['non-production', '*datenbank'],
      wait: ['wait until'],
    }),
  );

  it('tags single words, runs and prefix and suffix matches over their tokens', () => {
    expect(tags('We approve the Prod thumbs up wait until Testdatenbank', lex)).toEqual([
      ['approve', 1, 2],
      ['production', 3, 4],
      ['approval_noun', 4, 6],
      ['wait', 6, 8],
      ['test', 8, 9],
    ]);
  });

  it('does not tag a run cut short at the end of the sentence, or with a different word', () => {
    expect(tags('give a thumbs', lex)).toEqual([]);
    expect(tags('thumbs down', lex)).toEqual([]);
  });

  it('does not tag a prefix longer than the word, or a suffix longer than it', () => {
    expect(tags('pro', lex)).toEqual([]);
    expect(tags('datenban', lex)).toEqual([]);
  });

  it('reads a hyphenated compound by its parts unless the lists name it whole', () => {
    expect(tags('Enterprise-Produktion', lex)).toEqual([['production', 0, 1]]);
    expect(tags('non-production', lex)).toEqual([['test', 0, 1]]);
    expect(tags('thumbs-up', lex)).toEqual([['approval_noun', 0, 1]]);
    expect(tags('go-live', lex)).toEqual([['production', 0, 1]]);
  });

  it('reads the parts of a compound as single words only, and at most four parts', () => {
    expect(tags('x-wait-until', lex)).toEqual([]);
    expect(tags('a1-b2-c3-d4-approve', lex)).toEqual([]);
    expect(tags('a1-b2-c3-approve', lex)).toEqual([['approve', 0, 1]]);
  });

  it('reads the shipped lists: approvals, holds and courtesies', () => {
    const shipped = loadPhraseLists();
    const found = tagTokens(tokenize('We are approving the go-ahead but wait until Friday, thanks'), shipped).map((t) => t.concept);
    expect(found).toEqual(expect.arrayContaining(['we', 'approve', 'approval_noun', 'wait', 'courtesy']));
  });
});
