import { describe, expect, it } from 'vitest';
import { loadPhraseLists } from '../../src/adapters/load-phrases.js';
import { classifyText } from '../../src/core/classify.js';

const lex = loadPhraseLists();
const classify = (t: string) => classifyText(t, lex);
/** The evidence as [intent, strength, words] triples, the shape each rule is asserted in. */
const evidence = (t: string) => classify(t).matched.map((m) => [m.of, m.strength, m.text]);

describe('classify: whose approval a noun is', () => {
  it('reads "our approval" and "you have our approval" as the writer’s own', () => {
    expect(classify('Our approval for production.')).toMatchObject({ intent: 'production_approval', confidence: 0.9, blockers: [] });
    expect(classify('You have our approval for production.').intent).toBe('production_approval');
    expect(classify('Production approval is given.').intent).toBe('production_approval');
    expect(classify('Approval of production: granted.').intent).toBe('production_approval');
  });

  it('does not read someone else’s or a needed approval as given', () => {
    expect(classify('We need your approval for production.')).toMatchObject({ intent: 'other', confidence: 0, matched: [], blockers: [] });
    expect(classify('Seeking approval, our team, for production.').intent).toBe('other');
  });

  it('does not read an approval form or process as an approval', () => {
    expect(classify('Our approval form for production is attached.').intent).toBe('other');
    expect(classify('Our approval process for production is long.').intent).toBe('other');
  });

  it('needs the owner within five words before or four after the noun', () => {
    expect(classify('Our team of five people gave the final approval for production.').intent).toBe('production_approval');
    expect(classify('Our one two three four five six approval for production.').intent).toBe('other');
    expect(classify('Approval for production x x given.').intent).toBe('production_approval');
    expect(classify('Approval for production x x x given.').intent).toBe('other');
  });
});

describe('classify: an approving verb said, not asked for', () => {
  it('does not read "please approve" or "to approve" as an approval', () => {
    expect(classify('Please approve Acme for production.').intent).toBe('other');
    expect(classify('To approve production is the plan.').intent).toBe('other');
  });

  it('reads the writer’s readiness to approve as an approval, with the object named', () => {
    const c = classify('We are happy to approve Acme for production.');
    expect(c.intent).toBe('production_approval');
    expect(c.matched).toHaveLength(1);
    expect(c.matched[0]).toMatchObject({ of: 'production_approval', strength: 'clear', text: 'approve', sentence: 'We are happy to approve Acme for production.', object: 'Acme' });
  });

  it('needs the readiness right before "to approve"', () => {
    expect(classify('We are happy and so very much inclined to approve Acme for production.').intent).toBe('other');
  });
});

describe('classify: the object named as approved', () => {
  it('takes up to four capitalised words after the verb and its determiners', () => {
    expect(classify('We approve the MediTrack Pro Plus Max Ultra app for production.').matched[0]!.object).toBe('MediTrack Pro Plus Max');
  });

  it('stops at a word the lists know', () => {
    expect(classify('We approve the Acme Production Scheduler.').matched[0]!.object).toBe('Acme');
  });

  it('names no object when the next word is lower case', () => {
    expect(classify('We approve this app for production.').matched[0]).not.toHaveProperty('object');
  });
});

describe('classify: production approvals', () => {
  it.each([
    ['Please move Acme to production.', 'soft', 'move'],
    ['Now please move Acme to production.', 'soft', 'move'],
    ['We are ready for production.', 'soft', 'We are ready for production.'],
    ['We have no objection to production.', 'soft', 'no objection'],
    ['We allow Acme to access our production environment.', 'clear', 'allow'],
    ['We consent to production.', 'clear', 'consent'],
  ])('reads "%s" as a %s production approval carried by "%s"', (t, strength, text) => {
    expect(evidence(t)).toEqual([['production_approval', strength, text]]);
    expect(classify(t).confidence).toBe(strength === 'clear' ? 0.9 : 0.7);
  });

  it('does not read a third party going to production or being ready as an approval', () => {
    expect(classify('Vendors move to production.').intent).toBe('other');
    expect(classify('They are ready for production.').intent).toBe('other');
    expect(classify('The vendor and the team move to production.').intent).toBe('other');
  });

  it('reads a GA sign-off beside how the app works in production as the GA step', () => {
    const c = classify('Works as designed in production; take this as our sign-off.');
    expect(c.intent).toBe('ga_signoff');
    expect(c.matched.map((m) => m.of)).toEqual(['ga_signoff', 'ga_signoff']);
  });
});

describe('classify: beta consent', () => {
  it.each([
    ['We have a signed agreement for the test database.', 'signed agreement'],
    ['We permit access to our test environment.', 'permit'],
    ['We consent to access to our test environment.', 'consent'],
    ['We approve access to our test environment.', 'approve'],
  ])('reads "%s" as the test-database agreement ("%s")', (t, text) => {
    const c = classify(t);
    expect(evidence(t)).toEqual([['beta_agreement', 'clear', text]]);
    expect(c.betaParts).toEqual({ testDatabaseAgreement: true, betaSiteConsent: false });
    expect(c.confidence).toBe(0.5);
  });

  it('does not read consent to the test system without access or an environment as the agreement', () => {
    expect(classify('We consent to the test.').intent).toBe('other');
  });

  it.each([
    ['We have no objection to the beta.', 'soft'],
    ['We approve the beta.', 'clear'],
    ['We are glad to participate in the beta.', 'clear'],
    ['We consent to the beta.', 'clear'],
  ])('reads "%s" as the beta-site part (%s)', (t, strength) => {
    expect(evidence(t)).toEqual([['beta_site', strength, 'beta']]);
    expect(classify(t).betaParts).toEqual({ testDatabaseAgreement: false, betaSiteConsent: true });
  });

  it('takes the weaker part as the confidence of a full consent', () => {
    expect(classify('We have a signed agreement for the test database. We consent to be a beta site.')).toMatchObject({ intent: 'beta_consent', confidence: 0.9, betaParts: { testDatabaseAgreement: true, betaSiteConsent: true } });
    expect(classify('We have a signed agreement for the test database. We have no objection to the beta.').confidence).toBe(0.7);
  });

  it('reads a beta site named as background to another step as context, not a second step', () => {
    expect(classify('We were glad to be a beta site. The app works as designed.')).toMatchObject({ intent: 'ga_signoff', intentsFound: ['ga_signoff'], confidence: 0.9 });
    expect(classify('We have no objection to production. Also we approve the beta site.')).toMatchObject({ intent: 'production_approval', intentsFound: ['production_approval'], confidence: 0.7 });
  });

  it('keeps an agreement beside another step as a second step', () => {
    const c = classify('We have a signed agreement for the test database. We approve production.');
    expect(c.intentsFound).toEqual(['beta_consent', 'production_approval']);
    expect(c.confidence).toBe(0.4);
  });
});

describe('classify: GA sign-off', () => {
  it.each([
    ['The app works as designed.', 'as designed'],
    ['We are satisfied with the app.', 'satisfied with'],
    ['Consider this our sign-off.', 'sign-off'],
    ['We approve general availability.', 'general availability'],
    ['We are ready for general availability.', 'general availability'],
  ])('reads "%s" as a GA sign-off by "%s"', (t, text) => {
    expect(evidence(t)).toEqual([['ga_signoff', 'clear', text]]);
  });

  it('does not read general availability alone, or a sign-off about production, as the GA step', () => {
    expect(classify('General availability is in the news.').intent).toBe('other');
    expect(classify('We sign off on production.').intent).toBe('production_approval');
  });

  it('reads how the app works as the reason for a production approval, not a second step', () => {
    expect(classify('It works as expected in our test environment, so we approve production.')).toMatchObject({ intent: 'production_approval', intentsFound: ['production_approval'], confidence: 0.9 });
  });

  it('keeps a real GA sign-off beside a production approval as a second step', () => {
    const c = classify('We approve production. Consider this our sign-off.');
    expect(c.intentsFound).toEqual(['production_approval', 'ga_signoff']);
    expect(c.confidence).toBe(0.4);
    const ga = classify('We approve production. We approve general availability.');
    expect(ga.intentsFound).toEqual(['production_approval', 'ga_signoff']);
  });
});

describe('classify: withdrawals', () => {
  it('reads a withdrawal first, whatever else the mail says, at full confidence', () => {
    const c = classify('We withdraw our consent. We approve production.');
    expect(c.intent).toBe('withdrawal');
    expect(c.intentsFound).toEqual(['withdrawal', 'production_approval']);
    expect(c.confidence).toBe(0.9);
  });

  it('reads withdrawing from the beta, and the practice stopping its consent', () => {
    expect(evidence('We withdraw from the beta.')).toEqual([['withdrawal', 'clear', 'withdraw']]);
    expect(classify('We cancel production.').intent).toBe('withdrawal');
    expect(classify('We cancel the test.').intent).toBe('withdrawal');
    expect(classify('We cancel our approval.').intent).toBe('withdrawal');
    expect(classify('We cancel the participation.').intent).toBe('withdrawal');
  });

  it('does not read a withdrawal word about something else as a withdrawal', () => {
    expect(classify('They cancel the lunch.').intent).toBe('other');
  });
});

describe('classify: holds', () => {
  it('reports a held approval as a blocker of its step, not as evidence', () => {
    const c = classify('We will approve production.');
    expect(c).toMatchObject({ intent: 'production_approval', confidence: 0.2, matched: [] });
    expect(c.blockers).toEqual([{ kind: 'future', of: 'production_approval', cue: 'will approve', sentence: 'We will approve production.' }]);
    expect(c.sentences).toEqual([{ text: 'We will approve production.', role: 'hold' }]);
  });

  it('tells which step a held sentence is about even without an approving word', () => {
    expect(classify('Do not move to production.').blockers).toEqual([{ kind: 'negated', of: 'production_approval', cue: 'not', sentence: 'Do not move to production.' }]);
    expect(classify('Is our approval for production missing?').blockers[0]).toMatchObject({ of: 'production_approval' });
  });

  it('reports a hold with no step as a hold of its own', () => {
    const c = classify('We approve Acme for production. Maybe.');
    expect(c.blockers).toEqual([{ kind: 'modal', of: null, cue: 'Maybe', sentence: 'Maybe.' }]);
    expect(c.intent).toBe('production_approval');
    expect(c.confidence).toBe(0.3);
  });

  it('reports only the first cue of a sentence, once per step it names', () => {
    const c = classify('We do not yet approve production.');
    expect(c.blockers).toEqual([{ kind: 'negated', of: 'production_approval', cue: 'not', sentence: 'We do not yet approve production.' }]);
  });

  it('keeps at most 400 characters of a sentence', () => {
    const long = `We do not approve production ${'and more '.repeat(60)}today.`;
    expect(classify(long).blockers[0]!.sentence).toBe(long.slice(0, 400));
    expect(classify(long).sentences[0]!.text).toHaveLength(400);
  });
});

describe('classify: every sentence is accounted for', () => {
  it('names the role of each sentence', () => {
    const c = classify('Hi Pat,\n\nWe approve Acme for production.\n\nThe weather in town was very nice and sunny all week long.\n\nPlease wait.\n\nThanks so much!\n\nPat Quinn');
    expect(c.sentences.map((s) => s.role)).toEqual(['courtesy', 'approval', 'remark', 'hold', 'short_line', 'short_line']);
  });

  it('calls a sentence a courtesy only when the courtesy is at least half of it', () => {
    expect(classify('Thank you for this.').sentences[0]!.role).toBe('courtesy');
    expect(classify('Thank you for this and that.').sentences[0]!.role).toBe('short_line');
    expect(classify('Hi Pat, thanks for the update on everything today.').sentences[0]!.role).toBe('remark');
  });

  it('calls a sentence of eight words a short line and of nine a remark', () => {
    expect(classify('one two three four five six seven eight.').sentences[0]!.role).toBe('short_line');
    expect(classify('one two three four five six seven eight nine.').sentences[0]!.role).toBe('remark');
  });

  it('reads an empty text as nothing at all', () => {
    expect(classify('')).toEqual({ intent: 'other', confidence: 0, matched: [], blockers: [], betaParts: { testDatabaseAgreement: false, betaSiteConsent: false }, intentsFound: [], sentences: [] });
  });
});
