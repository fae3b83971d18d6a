import { describe, expect, it } from 'vitest';
import { loadPhraseLists } from '../../src/adapters/load-phrases.js';
import { matchApps } from '../../src/core/app-match.js';
import { classifyText } from '../../src/core/classify.js';

const lex = loadPhraseLists();
const classify = (t: string) => classifyText(t, lex);
const applies = (t: string) => {
  const c = classify(t);
  return c.blockers.length === 0 && c.matched.length > 0;
};

describe('recognises approvals as people write them', () => {
  it.each([
    ['Please accept this as confirmation that we have signed an agreement with Acme permitting the app to connect to our test database. We are happy to serve as a beta site.', 'beta_consent'],
    ['Riverside Family Medicine has an agreement with Acme Health Apps allowing the app to access our NextGen Test database. We consent and are ready to be a Beta site.', 'beta_consent'],
    ['1. We have a signed contract with the developer.\n2. It covers access to our sandbox environment.\n3. We consent to being a beta site.', 'beta_consent'],
    ['Approved for production - go ahead.', 'production_approval'],
    ['Riverside Family Medicine approves the app to integrate with our NextGen production environment.', 'production_approval'],
    ['We are approving Acme Scheduler for our production environment.', 'production_approval'],
    ['Consider this our go-ahead for production.', 'production_approval'],
    ['We have no objection to moving Acme Scheduler to production.', 'production_approval'],
    ['You have our authorisation to connect the app to our live system.', 'production_approval'],
    ['Working as designed to our satisfaction; consider this our sign-off.', 'ga_signoff'],
    ['The pilot went well and the app works as intended.', 'ga_signoff'],
    ['We withdraw our consent.', 'withdrawal'],
    ['Please stop the pilot.', 'withdrawal'],
    ['We are pulling out of the beta.', 'withdrawal'],
    ['Please revoke access for the app.', 'withdrawal'],
    ['Aprobamos la integración de la aplicación con nuestro entorno de producción.', 'production_approval'],
    ['Nous approuvons l’intégration de l’application avec notre environnement de production.', 'production_approval'],
    ['Wir genehmigen die Anbindung der App an unsere Produktivumgebung.', 'production_approval'],
  ])('reads "%s" as %s', (text, intent) => {
    expect(classify(text).intent).toBe(intent);
  });

  it.each([
    'Riverside Family Medicine approves the app to integrate with our NextGen production environment.',
    'Consider this our go-ahead for production.',
    'Hi team,\n\nWe approve Acme Scheduler for production.\n\nLet me know if you need anything else.\n\nThanks,\nPat Quinn\nPractice Manager',
  ])('applies the clean approval "%s"', (t) => {
    expect(applies(t)).toBe(true);
  });

  it('finds both parts of a beta consent in separate sentences', () => {
    const c = classify('We signed an agreement giving the app access to our test database.\n\nSeparately: we are happy to serve as a beta site.');
    expect(c.betaParts).toEqual({ testDatabaseAgreement: true, betaSiteConsent: true });
    expect(c.confidence).toBeGreaterThanOrEqual(0.9);
  });

  it('needs both parts of a beta consent and names the one missing', () => {
    expect(classify('We are happy to serve as a beta site.').betaParts).toEqual({ testDatabaseAgreement: false, betaSiteConsent: true });
    expect(classify('We signed an agreement giving the app access to our test database.').betaParts).toEqual({ testDatabaseAgreement: true, betaSiteConsent: false });
  });

  it('gives a double negative lower confidence than a plain approval', () => {
    expect(classify('No objection to moving Acme to production.').confidence).toBeLessThan(classify('We approve Acme for production.').confidence);
    expect(classify('No objection to moving Acme to production.').confidence).toBeGreaterThanOrEqual(0.6);
  });

  it('does not read an approval form, a request for approval or our own report as an approval', () => {
    for (const t of ['Attached is the production approval form.', 'We are seeking your approval for production.', 'We recorded the production approval of Acme Scheduler.', 'Please approve the production change.']) {
      expect(classify(t).matched, t).toEqual([]);
    }
  });
});

describe('a hold anywhere blocks', () => {
  it.each([
    ['We are not ready to approve production.', 'negated'],
    ['We will approve production once training is done.', 'conditional'],
    ['Please do not approve production until we confirm.', 'negated'],
    ['What do we need to send to approve production?', 'question'],
    ['Can you confirm production is approved', 'question'],
    ['Please hold off on going live in production.', 'wait'],
    ['We should be able to approve production.', 'modal'],
    ['We will approve production next week.', 'future'],
  ])('never counts "%s" as an approval (%s)', (text, kind) => {
    const c = classify(text);
    expect(c.matched.filter((m) => m.of === 'production_approval')).toEqual([]);
    expect(c.blockers.map((b) => b.kind)).toContain(kind);
  });

  it.each([
    'Approved for production. However, please do not send anything until our board meets on Friday.',
    'Approved for production.\n\nOne thing: nobody should enable anything yet.',
    'Oh sure, approved for production, right after they fix the forty bugs… nobody should enable anything yet',
    'noch nicht approved for production – bitte noch keine Zugangsdaten senden',
    'Approved for production. Nous ne pouvons pas encore donner notre approbation finale.',
    'Approved for production. Todavía no envíen las credenciales.',
    'Approved for production. Is that OK with legal',
    'Approved for production, pending the compliance review.',
  ])('flags "%s" whichever sentence holds it back', (t) => {
    const c = classify(t);
    expect(c.blockers.length, JSON.stringify(c.sentences)).toBeGreaterThan(0);
    expect(applies(t)).toBe(false);
  });

  it('accounts for every sentence: approval, courtesy, short line, remark or hold', () => {
    const c = classify('Hi Dana,\n\nWe approve Acme Scheduler for production. The rollout plan looks fine to our IT team.\n\nLet me know if you need anything.\n\nBest,\nPat');
    expect(c.sentences.map((s) => s.role)).toEqual(['courtesy', 'approval', 'remark', 'courtesy', 'courtesy', 'short_line']);
  });

  it('lets courtesies carry hold words without holding anything back', () => {
    expect(applies('We approve Acme Scheduler for production. Please don’t hesitate to reach out if you have any questions. No problem at all.')).toBe(true);
    expect(applies('After reviewing the test results, we approve Acme for production.')).toBe(true);
    expect(applies('Approved for production as of May 5.')).toBe(true);
  });
});

describe('bounded cost', () => {
  it.each(['-', "'", '’', '.', '!', '?', '_', '*', '=', '>', ' ', '\n', 'a', 'a ', 'no ', '-\'’'])('reads a 100,000-character run of %j quickly', (c) => {
    const t = `Please approve ${c.repeat(Math.ceil(100_000 / c.length))}`;
    const started = Date.now();
    const r = classify(t);
    expect(r.intent).toBeDefined();
    // Generous bound: catastrophic backtracking takes minutes; linear matching takes milliseconds.
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe('app matching', () => {
  const apps = [
    { id: 'acme-scheduler', name: 'Acme Scheduler', aliases: ['AcmeSched'] },
    { id: 'acme', name: 'Acme', aliases: [] },
    { id: 'bl', name: 'Brightline Insights', aliases: ['BL Insights'] },
  ];
  it.each(['AcmeSched is approved', 'acme scheduler', 'ACME-SCHEDULER', 'the Acme  Scheduler app', 'Acme Scheduler’s go-live'])('finds Acme Scheduler in "%s"', (t) => {
    expect(matchApps(t, apps)).toEqual({ kind: 'named', app: 'acme-scheduler', as: expect.any(String) });
  });
  it('finds an app name with a small misspelling, and says so', () => {
    expect(matchApps('We approve Acme Schedular for production', apps)).toEqual({ kind: 'named', app: 'acme-scheduler', as: 'Acme Scheduler', fuzzy: true });
    expect(matchApps('Brightline Insigths is fine', apps)).toMatchObject({ kind: 'named', app: 'bl', fuzzy: true });
  });
  it('reports a misspelt second app as ambiguous', () => {
    expect(matchApps('AcmeSched and Brightline Insigths', apps)).toEqual({ kind: 'ambiguous', apps: ['acme-scheduler', 'bl'] });
  });
  it('lets a longer name win over a shorter one inside it', () => {
    expect(matchApps('Acme Scheduler for production', apps)).toMatchObject({ kind: 'named', app: 'acme-scheduler' });
  });
  it('reports two different apps as ambiguous', () => {
    expect(matchApps('AcmeSched and BL Insights', apps)).toEqual({ kind: 'ambiguous', apps: ['acme-scheduler', 'bl'] });
  });
  it('does not match inside other words', () => {
    expect(matchApps('the acmeschedulerx tool', apps)).toMatchObject({ kind: 'named', fuzzy: true });
    expect(matchApps('the scheduling tool', apps)).toEqual({ kind: 'none' });
  });
});

describe('cases a mutation run found', () => {
  it('reads "don´t" with an acute accent as a negation', async () => {
    const { normalizeText } = await import('../../src/core/normalize-text.js');
    const c = classify(normalizeText('We don´t approve Acme Scheduler for production.'));
    expect(c.blockers.map((b) => b.kind)).toContain('negated');
  });
  it('keeps a GA sign-off beside a production approval as a second intent', () => {
    expect(classify('We approve Acme Scheduler for production. The app works as designed and we sign off.').intentsFound.sort()).toEqual(['ga_signoff', 'production_approval']);
  });
});

describe('reason lines', () => {
  it('cut client text at a word boundary, so no half identifier is left for staff to read', async () => {
    const { explainReason } = await import('../../src/core/reasons.js');
    const sentence = `${'word '.repeat(30)}RFM-PROD-7731-SECRET and more`;
    const line = explainReason({ code: 'blocked', kind: 'negated', cue: 'not', sentence });
    expect(line).not.toContain('RFM');
    expect(line).toContain('word…');
  });
});
