import { describe, expect, it } from 'vitest';
import { foldWord, invisibleInWord, mixedScriptWord, normalizeText, reorderedLine, rightToLeftControlAround, rightToLeftLetterAround } from '../../src/core/normalize-text.js';

describe('normalizeText', () => {
  it('folds full-width letters (NFKC) and removes every invisible character', () => {
    expect(normalizeText('ａｐｐｒｏｖｅｄ')).toBe('approved');
    for (const c of ['\u00AD', '\u034F', '\u180E', '\u200B', '\u200F', '\u202A', '\u202E', '\u2060', '\u2064', '\u2066', '\u2069', '\uFEFF']) {
      expect(normalizeText(`app${c}ro${c}ved`), c.codePointAt(0)!.toString(16)).toBe('approved');
    }
  });

  it('makes apostrophes, quotes, dashes and spaces plain', () => {
    // U+00B4 is listed too, but NFKC has already turned it into a space and a combining accent, so it never matches (a known gap).
    expect(normalizeText('don\u2019t don\u2018t don\u02BCt don\u2032t don\u0060t')).toBe("don't don't don't don't don't");
    expect(normalizeText('\u201Cok\u201D \u201Eok\u201C \u00ABok\u00BB')).toBe('"ok" "ok" "ok"');
    expect(normalizeText('go\u2010live go\u2013live go\u2015live 5\u22123')).toBe('go-live go-live go-live 5-3');
    expect(normalizeText('a\u00A0b\u2000c\u200Ad\u202Fe\u205Ff\u3000g')).toBe('a b c d e f g');
  });

  it('leaves plain text as it is', () => {
    expect(normalizeText("Approved - don't \"wait\".")).toBe("Approved - don't \"wait\".");
  });
});

describe('foldWord', () => {
  it('lower-cases, drops diacritics and folds ß', () => {
    expect(foldWord('PRODUCCIÓN')).toBe('produccion');
    expect(foldWord('Straße')).toBe('strasse');
    expect(foldWord('Genehmigt')).toBe('genehmigt');
  });
});

describe('invisibleInWord', () => {
  it('shows the first word with an invisible character inside, with twelve characters of context', () => {
    expect(invisibleInWord('Please note: we app\u200Brove it for production today')).toBe('note: we app·rove it for p');
  });

  it('finds up to eight invisible characters in a row, and none between words', () => {
    expect(invisibleInWord(`a${'\u200B'.repeat(8)}b`)).toBe('a········b');
    expect(invisibleInWord(`a${'\u200B'.repeat(9)}b`)).toBeNull();
    expect(invisibleInWord('approved \u200B for')).toBeNull();
    expect(invisibleInWord('approved')).toBeNull();
  });

  it('finds a soft hyphen and a bidi control inside a word', () => {
    expect(invisibleInWord('ap\u00ADproved')).toBe('ap·proved');
    expect(invisibleInWord('ap\u202Eproved')).toBe('ap·proved');
    expect(invisibleInWord('ap\uFEFFproved')).toBe('ap·proved');
  });

  it('collapses whitespace in the context shown', () => {
    expect(invisibleInWord('x\n\n  ap\u200Bproved')).toBe('x ap·proved');
  });
});

describe('rightToLeftControlAround and rightToLeftLetterAround', () => {
  it('shows where a right-to-left override turns "ton" into "not", with twelve characters of context', () => {
    expect(rightToLeftControlAround('We do \u202Eton\u202C approve Acme Scheduler')).toBe('We do ·ton· approve');
  });

  it.each([
    ['a right-to-left mark (RLM)', '\u200F'],
    ['a right-to-left embedding (RLE)', '\u202B'],
    ['a right-to-left override (RLO)', '\u202E'],
    ['a right-to-left isolate (RLI)', '\u2067'],
  ])('finds %s between words', (_what, ch) => {
    expect(rightToLeftControlAround(`approve ${ch} not`)).toBe(`approve · not`);
    expect(rightToLeftLetterAround(`approve ${ch} not`)).toBeNull();
  });

  it.each([
    ['an Arabic letter mark (ALM)', '\u061C'],
    ['a Hebrew letter', '\u05D0'],
    ['an Arabic letter', '\u0627'],
    ['a Syriac letter', '\u0710'],
    ['an Arabic presentation form', '\uFEFB'],
    ['an Adlam letter', '\u{1E900}'],
  ])('finds %s between words', (_what, ch) => {
    expect(rightToLeftLetterAround(`approve ${ch} not`)).not.toBeNull();
    expect(rightToLeftControlAround(`approve ${ch} not`)).toBeNull();
  });

  it.each([
    ['plain English', 'We approve Acme Scheduler for production.'],
    ['a phone number wrapped in LRE/PDF', 'Tel: \u202A+1 (555) 123-4567\u202C'],
    ['a phone number wrapped in LRI/PDI', 'Tel: \u2066+1 (555) 123-4567\u2069'],
    ['a left-to-right mark', 'Dr.\u200E Quinn'],
    ['a zero-width space', 'approved \u200B for'],
    ['accented Latin and a byte-order mark', '\uFEFFAprobamos producción, Grüße'],
  ])('finds nothing in %s: no letter or control there runs right to left', (_what, text) => {
    expect(rightToLeftControlAround(text)).toBeNull();
    expect(rightToLeftLetterAround(text)).toBeNull();
  });
});

describe('reorderedLine', () => {
  const decides = (line: string) => line.includes('approve');

  it('finds a line that decides and holds a right-to-left control, mark or letter', () => {
    expect(reorderedLine('Hi,\nWe do \u202Eton\u202C approve it.\nPat', decides)).toBe('We do ·ton· approve');
    expect(reorderedLine('We \u200F approve it.', decides)).toBe('We · approve it.');
    expect(reorderedLine('We \u05D0 approve it.', decides)).toBe('We \u05D0 approve it.');
  });

  it('finds a line that decides inside a right-to-left run opened on a line above', () => {
    expect(reorderedLine('\u2067Note:\nwe approve it\u2069', decides)).toBe('e approve it·');
  });

  it('stays linear on a body of unclosed runs, one per line (at most 125 are kept open)', () => {
    expect(reorderedLine('\u2067\n'.repeat(128 * 1024), () => false)).toBe('·');
    expect(reorderedLine(`${'\u2067\n'.repeat(500)}we approve it`, decides)).toBe('we approve it');
  });

  it('flags a body with more than a thousand right-to-left lines without asking which decide', () => {
    let asked = 0;
    const body = 'Pat | \u05E4\u05D8\n'.repeat(1001);
    expect(reorderedLine(body, () => (asked++, false))).toBe('Pat | \u05E4\u05D8');
    expect(asked).toBe(1000);
    expect(reorderedLine('Pat | \u05E4\u05D8\n'.repeat(1000), () => false)).toBeNull();
  });

  it('passes right-to-left text on lines that do not decide, and runs closed before the line that does', () => {
    expect(reorderedLine('We approve it.\n\u2067\u0623\u0631\u0633\u0644\u062A iPhone\u2069\nPat | \u05E4\u05D8', decides)).toBeNull();
    expect(reorderedLine('\u202Bx\u202C\nWe approve it.', decides)).toBeNull();
    expect(reorderedLine('We approve it. Tel: \u202A+1 555\u202C', decides)).toBeNull();
  });
});

describe('mixedScriptWord', () => {
  it('names a word mixing Latin with Cyrillic or Greek letters', () => {
    expect(mixedScriptWord('We \u0430pproved it')).toBe('\u0430pproved');
    expect(mixedScriptWord('We appr\u03BFved it')).toBe('appr\u03BFved');
  });

  it('accepts words all in one script', () => {
    expect(mixedScriptWord('We approved \u043E\u0434\u043E\u0431\u0440\u0435\u043D\u043E \u03BD\u03B1\u03B9')).toBeNull();
  });

  it('cuts a long mixed word to 40 characters', () => {
    const w = `\u0430${'p'.repeat(60)}`;
    expect(mixedScriptWord(w)).toBe(w.slice(0, 40));
  });
});
