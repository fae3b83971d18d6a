import { describe, expect, it } from 'vitest';
import { splitSentences, tokenize } from '../../src/core/sentences.js';

const texts = (t: string) => splitSentences(t).map((s) => s.text);

describe('tokenize', () => {
  it('keeps inner apostrophes, hyphens and digits in one word, and reads "?" and "¿" as words', () => {
    expect(tokenize("Don't go-live v2 ¿Qué? ok").map((t) => t.text)).toEqual(["Don't", 'go-live', 'v2', '¿', 'Qué', '?', 'ok']);
  });

  it('folds each word for comparison', () => {
    expect(tokenize('Producción STRASSE Straße')).toEqual([
      { text: 'Producción', norm: 'produccion' },
      { text: 'STRASSE', norm: 'strasse' },
      { text: 'Straße', norm: 'strasse' },
    ]);
  });

  it('splits a French elision into two words, apostrophe kept on the first', () => {
    expect(tokenize("n'hésitez l'application qu'elle")).toEqual([
      { text: "n'", norm: "n'" },
      { text: 'hésitez', norm: 'hesitez' },
      { text: "l'", norm: "l'" },
      { text: 'application', norm: 'application' },
      { text: "qu'", norm: "qu'" },
      { text: 'elle', norm: 'elle' },
    ]);
  });

  it('keeps English contractions and short elided words whole', () => {
    expect(tokenize("it's we're don't l'an d'or").map((t) => t.text)).toEqual(["it's", "we're", "don't", "l'an", "d'or"]);
    expect(tokenize("L'App").map((t) => t.text)).toEqual(["L'", 'App']);
  });
});

describe('splitSentences', () => {
  it('ends a sentence at . ! ? ; and … followed by a space', () => {
    expect(texts('One is here. Two is here! Three? Four; five… six')).toEqual(['One is here.', 'Two is here!', 'Three?', 'Four;', 'five…', 'six']);
  });

  it('keeps runs of end marks and closing quotes with their sentence', () => {
    expect(texts('Really?!" Yes.) Next')).toEqual(['Really?!"', 'Yes.)', 'Next']);
    expect(texts("Done.' Next")).toEqual(["Done.'", 'Next']);
  });

  it('does not end a sentence inside a word or number', () => {
    expect(texts('Version 2.1 is out.Really now')).toEqual(['Version 2.1 is out.Really now']);
  });

  it('does not end a sentence after an abbreviation or an initial', () => {
    expect(texts('Dr. Smith and Mr. Jones agree. Pat Q. Quinn, e.g. this')).toEqual(['Dr. Smith and Mr. Jones agree.', 'Pat Q. Quinn, e.g. this']);
  });

  it('ends a sentence at a tab after the mark', () => {
    expect(texts('Approved.\tWait until Friday.')).toEqual(['Approved.', 'Wait until Friday.']);
  });

  it('joins the lines of a wrapped paragraph, and keeps short lines apart', () => {
    const wrapped = 'We approve the integration of the app with our production\nenvironment as of today.';
    expect(texts(wrapped)).toEqual(['We approve the integration of the app with our production environment as of today.']);
    expect(texts('Hi Pat\nApproved for production\nThanks')).toEqual(['Hi Pat', 'Approved for production', 'Thanks']);
  });

  it('keeps a line of exactly 50 characters open for the next line', () => {
    const fifty = 'a'.repeat(45) + ' bbbb';
    expect(fifty).toHaveLength(50);
    expect(texts(`${fifty}\nccc`)).toEqual([`${fifty} ccc`]);
    const fortyNine = 'a'.repeat(44) + ' bbbb';
    expect(texts(`${fortyNine}\nccc`)).toEqual([fortyNine, 'ccc']);
  });

  it('ends at a line ending with punctuation, even a long one, and at a blank line', () => {
    const long = `${'word '.repeat(15)}done:`;
    expect(texts(`${long}\nnext line here`)).toEqual([long, 'next line here']);
    const open = `${'word '.repeat(15)}open`;
    expect(texts(`${open}\n\nnext`)).toEqual([open, 'next']);
  });

  it('starts a new sentence at each list item and drops its marker', () => {
    const t = `${'We confirm the following points for the app today'}\n- we have an agreement\n2) we consent\n(b) we are ready\n• done`;
    expect(texts(t)).toEqual(['We confirm the following points for the app today', 'we have an agreement', 'we consent', 'we are ready', 'done']);
  });

  it('collapses whitespace inside a line and drops sentences without words', () => {
    expect(texts('  Approved   for\t production.  \n ... \n---')).toEqual(['Approved for production.']);
  });

  it('returns the tokens of each sentence', () => {
    expect(splitSentences('We approve. Go?')).toEqual([
      { text: 'We approve.', tokens: [{ text: 'We', norm: 'we' }, { text: 'approve', norm: 'approve' }] },
      { text: 'Go?', tokens: [{ text: 'Go', norm: 'go' }, { text: '?', norm: '?' }] },
    ]);
  });
});
