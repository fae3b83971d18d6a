import { describe, expect, it } from 'vitest';
import { loadPhraseLists } from '../../src/adapters/load-phrases.js';
import { winkSentences } from '../../src/adapters/wink-sentences.js';
import { matchApps } from '../../src/core/app-match.js';
import { classifyText } from '../../src/core/classify.js';

const lists = loadPhraseLists();
const classify = (t: string) => classifyText(t, lists, winkSentences);

describe('intent', () => {
  it.each([
    ['Please accept this as confirmation that we have signed an agreement with Acme permitting the app to connect to our test database. We are happy to serve as a beta site.', 'beta_consent'],
    ['Approved for production — go ahead.', 'production_approval'],
    ['Working as designed to our satisfaction; consider this our sign-off.', 'ga_signoff'],
    ['We withdraw our consent.', 'withdrawal'],
    ['Please revoke access for the app.', 'withdrawal'],
    ['Could you send the invoice again?', 'other'],
  ])('reads "%s" as %s', (text, intent) => {
    expect(classify(text).intent).toBe(intent);
  });

  it('needs both parts of a beta consent and names the one missing', () => {
    expect(classify('We are happy to serve as a beta site.').betaParts).toEqual({ testDatabaseAgreement: false, betaSiteConsent: true });
    expect(classify('We signed an agreement giving the app access to our test database.').betaParts).toEqual({ testDatabaseAgreement: true, betaSiteConsent: false });
  });

  it.each([
    ['We are not ready to approve production.', 'negated'],
    ['We will approve production once training is done.', 'conditional'],
    ['Please do not approve production until we confirm.', 'negated'],
    ['What do we need to send to approve production?', 'question'],
    ['Please hold off on going live in production.', 'wait'],
  ])('never counts "%s" as an approval (%s)', (text, kind) => {
    const c = classify(text);
    expect(c.matched.filter((m) => m.of === 'production_approval')).toEqual([]);
    expect(c.blockers.map((b) => b.kind)).toContain(kind);
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
  it('lets a longer name win over a shorter one inside it', () => {
    expect(matchApps('Acme Scheduler for production', apps)).toMatchObject({ kind: 'named', app: 'acme-scheduler' });
  });
  it('reports two different apps as ambiguous', () => {
    expect(matchApps('AcmeSched and BL Insights', apps)).toEqual({ kind: 'ambiguous', apps: ['acme-scheduler', 'bl'] });
  });
  it('does not match inside other words', () => {
    expect(matchApps('the acmeschedulerx tool', apps)).toEqual({ kind: 'none' });
  });
});
