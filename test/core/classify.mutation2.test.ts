import { describe, expect, it } from 'vitest';
import { loadPhraseLists } from '../../src/adapters/load-phrases.js';
import { classifyText } from '../../src/core/classify.js';

/**
 * Every structure word the rules in classify.ts list is honoured, one word at a time: a word the
 * rule forgot would let a request, a form or someone else's approval read as the client's own (a
 * false approval), or would miss a real one. Written against the mutants Stryker left alive.
 */
const lex = loadPhraseLists();
const classify = (t: string) => classifyText(t, lex);
const evidence = (t: string) => classify(t).matched.map((m) => [m.of, m.strength, m.text]);
const NOTHING = { intent: 'other', confidence: 0, matched: [], blockers: [] };

describe('classify: an approval noun after a word that makes it someone else’s or a request', () => {
  it('reads the noun after a plain determiner as the writer’s own (the baseline)', () => {
    expect(classify('Our team notes the approval for production.').matched).toMatchObject([{ of: 'production_approval', strength: 'clear', via: 'approve' }]);
  });

  // "pending", "awaiting", "await" and "without" are hold words as well: the sentence is held either way.
  it.each(['your', 'their', 'his', 'her', 'its', 'for', 'need', 'needs', 'needed', 'require', 'requires', 'required', 'seek', 'seeking', 'request', 'requesting', 'requested', 'obtain', 'get', 'getting', 'about', 'regarding', 'su', 'sus', 'votre', 'vos', 'ihre', 'ihrer'])(
    'does not read "%s approval" as an approval',
    (w) => {
      expect(classify(`Our team notes ${w} approval for production.`)).toMatchObject(NOTHING);
    },
  );

  it('looks two words back, not three', () => {
    expect(classify('Our team notes your formal approval for production.')).toMatchObject(NOTHING);
    expect(classify('Your team notes the formal approval for production.').matched).toMatchObject([{ of: 'production_approval', strength: 'clear', via: 'approve' }]);
  });
});

describe('classify: an approval noun followed by an administrative word', () => {
  it.each(['form', 'forms', 'process', 'request', 'requests', 'status', 'workflow', 'meeting', 'document', 'documents', 'template', 'checklist', 'step', 'steps', 'timeline', 'date', 'criteria', 'requirements', 'call', 'email', 'mail', 'letter', 'queue', 'ticket', 'link', 'page', 'portal'])(
    'does not read "our approval %s" as an approval',
    (w) => {
      expect(classify(`Our approval ${w} for production.`)).toMatchObject(NOTHING);
    },
  );
});

describe('classify: an approving verb asked for, not said', () => {
  it.each(['kindly', 'pls', 'plz', 'you', 'please', 'to'])('does not read "%s approve production" as an approval', (w) => {
    expect(classify(`${w} approve production.`)).toMatchObject(NOTHING);
  });
});

describe('classify: a move to production said as an instruction', () => {
  it.each(['Please', 'Great,', 'Yes,', 'Kindly', 'Now', 'Then', 'And', 'So'])('reads "%s move Acme to production" as a soft approval', (w) => {
    expect(evidence(`${w} move Acme to production.`)).toEqual([['production_approval', 'soft', 'move']]);
    expect(classify(`${w} move Acme to production.`)).toMatchObject({ intent: 'production_approval', confidence: 0.7, blockers: [] });
  });

  it.each(['ok', 'okay'])('reads "Please, %s, move Acme to production" as a soft approval, the asked-for "%s" approving nothing itself', (w) => {
    expect(evidence(`Please, ${w}, move Acme to production.`)).toEqual([['production_approval', 'soft', 'move']]);
  });

  it('does not read a move after other opening words as an instruction', () => {
    expect(classify('Maybe later move Acme to production.').matched).toEqual([]);
    expect(classify('Vendors then move Acme to production.')).toMatchObject(NOTHING);
  });
});

describe('classify: the writer ready for the next step, in each language', () => {
  it.each([
    ['We are ready to go to production.', 'to'],
    ['Estamos listos para producción.', 'para'],
    ['Nous sommes prêts pour la production.', 'pour'],
    ['Estamos dispuestos a pasar a producción.', 'a'],
    ['Wir sind bereit für die Produktion.', 'für'],
    ['Wir sind bereit zu wechseln in die Produktion.', 'zu'],
    ['Wir sind bereit zum Wechsel in die Produktion.', 'zum'],
    ['Estamos contentos de pasar a producción.', 'de'],
    ['Estamos contentos con la producción.', 'con'],
  ])('reads "%s" (ready %s) as a soft production approval', (t) => {
    expect(classify(t)).toMatchObject({ intent: 'production_approval', confidence: 0.7, blockers: [] });
    expect(classify(t).matched.map((m) => [m.of, m.strength])).toEqual([['production_approval', 'soft']]);
  });

  it('does not read readiness followed by another word as one', () => {
    expect(classify('We are ready, production is next.')).toMatchObject(NOTHING);
  });
});

describe('classify: the object named after a determiner', () => {
  it.each(['the', 'our', 'your', 'their', 'a', 'an', 'this', 'that', 'la', 'el', 'le', 'les', 'los', 'las', 'die', 'der', 'das', 'den'])('names Acme as approved in "We approve %s Acme for production"', (d) => {
    expect(classify(`We approve ${d} Acme for production.`).matched).toMatchObject([{ of: 'production_approval', strength: 'clear', object: 'Acme' }]);
  });

  it('names the object after an elided French article', () => {
    expect(classify("Nous approuvons l'Acme pour la production.").matched).toMatchObject([{ of: 'production_approval', strength: 'clear', object: 'Acme' }]);
  });

  it('names no object after a word that is no determiner', () => {
    expect(classify('We approve these Acme apps for production.').matched[0]).not.toHaveProperty('object');
  });
});

describe('classify: whose approval a noun is, at the edges of the window', () => {
  it('takes an owner five words before the noun, and one right after it', () => {
    expect(classify('Our one two three four five approval for production.').matched).toMatchObject([{ of: 'production_approval', strength: 'clear' }]);
    expect(classify('Approval given for production.').matched).toMatchObject([{ of: 'production_approval', strength: 'clear' }]);
  });
});

describe('classify: readiness that makes "to approve" a statement', () => {
  it('takes readiness up to two words before "to approve", not three', () => {
    expect(classify('We are happy indeed now to approve Acme for production.').matched).toMatchObject([{ of: 'production_approval', strength: 'clear', object: 'Acme' }]);
    expect(classify('We are happy indeed right now to approve Acme for production.')).toMatchObject(NOTHING);
  });

  it('does not read "please approve" as a statement, even after the writer says they are glad', () => {
    expect(classify('We are glad, please approve production.')).toMatchObject(NOTHING);
  });

  it('needs readiness, not just any known word, before "to approve"', () => {
    expect(classify('Our task is to approve production.')).toMatchObject(NOTHING);
  });

  it('does not take readiness said after "to approve" as the writer’s own', () => {
    expect(classify('To approve production we are ready.')).toMatchObject(NOTHING);
  });
});

describe('classify: a sign-off beside GA wording in one sentence', () => {
  it('reads the sign-off as the GA step’s, and only a production approval of its own as clear', () => {
    expect(evidence('The app works as designed in production, take this as our sign-off.')).toEqual([
      ['production_approval', 'soft', 'The app works as designed in production, take this as our si'],
      ['ga_signoff', 'clear', 'sign-off'],
    ]);
    const both = classify('The app works as designed and you have our approval for production, consider this our sign-off.');
    expect(both.matched.map((m) => [m.of, m.strength])).toEqual([
      ['production_approval', 'clear'],
      ['ga_signoff', 'clear'],
    ]);
    expect(both).toMatchObject({ intent: 'production_approval', confidence: 0.4, intentsFound: ['production_approval', 'ga_signoff'] });
  });

  it('reads our approval beside how the app works as a production approval, the working being its reason', () => {
    expect(classify('The app works as designed, and you have our approval for production.')).toMatchObject({ intent: 'production_approval', confidence: 0.9, intentsFound: ['production_approval'], blockers: [] });
  });

  it('reads consent beside GA wording as the GA step, and consent after only "as expected" as a production approval', () => {
    expect(classify('The app works as designed and we consent to production.')).toMatchObject({ intent: 'ga_signoff', intentsFound: ['ga_signoff'], confidence: 0.9 });
    expect(evidence('Everything ran as expected and we consent to production.')).toEqual([['production_approval', 'clear', 'consent']]);
  });

  it('needs the app to work as designed, not only "as expected", for the GA step', () => {
    expect(classify('The results were as expected.')).toMatchObject(NOTHING);
  });
});

describe('classify: which step a held sentence is about', () => {
  it('names the step of an approving word asked about', () => {
    expect(classify('What do we need to approve production?').blockers).toEqual([{ kind: 'question', of: 'production_approval', cue: 'What', sentence: 'What do we need to approve production?' }]);
    expect(classify('Is the approval for production missing?').blockers).toEqual([{ kind: 'question', of: 'production_approval', cue: '?', sentence: 'Is the approval for production missing?' }]);
  });

  it('names no step for a held sentence that only mentions production', () => {
    expect(classify('We do not use production.')).toMatchObject({ intent: 'other', confidence: 0, matched: [], blockers: [{ kind: 'negated', of: null, cue: 'not' }] });
  });
});

describe('classify: the words that carry a match', () => {
  it('quotes the first 60 characters of a long sentence whose rule has no words of its own', () => {
    const t = 'We are ready for production, as discussed with the whole team last week.';
    expect(evidence(t)).toEqual([['production_approval', 'soft', t.slice(0, 60)]]);
  });
});

describe('classify: withdrawals said by the practice itself', () => {
  it('reads the practice withdrawing its participation or its agreement', () => {
    expect(evidence('We withdraw from participating.')).toEqual([['withdrawal', 'clear', 'withdraw']]);
    expect(evidence('We are withdrawing, as agreed.')).toEqual([['withdrawal', 'clear', 'withdrawing']]);
  });

  it('reads a withdrawal anywhere in the mail first, even after an approval', () => {
    const c = classify('We approve production. We withdraw our consent.');
    expect(c).toMatchObject({ intent: 'withdrawal', intentsFound: ['production_approval', 'withdrawal'], confidence: 0.9 });
  });
});

describe('classify: permission and access', () => {
  it('does not read a permission word without access or a move as a production approval', () => {
    expect(classify('We let the production team know.')).toMatchObject(NOTHING);
  });

  it('does not read a test environment named without permission as the agreement', () => {
    expect(classify('The test environment is down.')).toMatchObject(NOTHING);
  });

  it('reads permission to access the sandbox as the agreement, with no environment word', () => {
    expect(evidence('We allow the app to access the sandbox.')).toEqual([['beta_agreement', 'clear', 'allow']]);
  });
});

describe('classify: the beta-site part', () => {
  it('reads the writer glad about the beta as a clear part', () => {
    expect(evidence('We are glad about the beta.')).toEqual([['beta_site', 'clear', 'beta']]);
  });

  it('gives one part of a beta consent half confidence, and a held part alone less', () => {
    expect(classify('We are happy to serve as a beta site.')).toMatchObject({ intent: 'beta_consent', confidence: 0.5 });
    expect(classify('We will consent to the beta.')).toMatchObject({ intent: 'beta_consent', confidence: 0.2, matched: [], blockers: [{ kind: 'future', of: 'beta_site', cue: 'will consent' }] });
  });
});

describe('classify: a GA sign-off beside a production approval', () => {
  it('keeps the GA step when the mail signs off as well as saying the app works', () => {
    const c = classify('We approve production. The app works as designed. Consider this our sign-off.');
    expect(c).toMatchObject({ intent: 'production_approval', confidence: 0.4, intentsFound: ['production_approval', 'ga_signoff'] });
  });
});

describe('classify: the object named and the role of a sentence', () => {
  it('names no object whose first letter is lower case, whatever capitals follow', () => {
    expect(classify('We approve the eClinicalWorks app for production.').matched[0]).not.toHaveProperty('object');
  });

  it('calls a short sentence of known words but no courtesy a short line', () => {
    expect(classify('We are ready.').sentences).toEqual([{ text: 'We are ready.', role: 'short_line' }]);
  });

  it('does not read a move after three opening words as an instruction', () => {
    expect(classify('And so now please move Acme to production.')).toMatchObject(NOTHING);
  });
});

describe('classify: a sign-off and our approval side by side in one sentence', () => {
  it.each([
    'The app works as designed, consider this our sign-off and our approval for production.',
    'The app works as designed, so here is our approval, sign-off included, for production.',
    'The app works as designed, so here is our sign-off, approval included, for production.',
  ])('reads our approval next to the GA sign-off in "%s" as clear, and the mail as two steps', (t) => {
    expect(classify(t).matched.map((m) => [m.of, m.strength])).toEqual([
      ['production_approval', 'clear'],
      ['ga_signoff', 'clear'],
    ]);
    expect(classify(t)).toMatchObject({ confidence: 0.4, intentsFound: ['production_approval', 'ga_signoff'] });
  });
});

describe('classify: a hold word inside the words that say the app works as designed', () => {
  // "without" and "should" are hold words, but "works without issues" and "works as it should" say
  // yes; they used to be read as a negation and a modal, so such a GA sign-off was always flagged.
  it.each([
    ['The app works without issues.', 'without issues'],
    ['The app works without problems.', 'without problems'],
    ['Everything works as it should.', 'as it should'],
    ['The integration works like it should.', 'like it should'],
  ])('reads "%s" as a clear GA sign-off', (t, words) => {
    expect(classify(t)).toMatchObject({ intent: 'ga_signoff', confidence: 0.9, blockers: [], matched: [{ of: 'ga_signoff', strength: 'clear', text: words }] });
  });

  it('still holds a sign-off that a hold word outside those words holds back', () => {
    expect(classify('The app does not work without issues.')).toMatchObject({ intent: 'ga_signoff', confidence: 0.2, matched: [], blockers: [{ kind: 'negated', of: 'ga_signoff', cue: 'not' }] });
    expect(classify('The app works as it should, if the vendor fixes the login.')).toMatchObject({ matched: [], blockers: [{ kind: 'conditional', of: 'ga_signoff', cue: 'if' }] });
  });
});
