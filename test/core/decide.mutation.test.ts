import { describe, expect, it } from 'vitest';
import { detectLanguage } from '../../src/adapters/detect-language.js';
import { loadPhraseLists } from '../../src/adapters/load-phrases.js';
import { decide, type AppInfo, type DecisionContext, type DecisionDeps, type LanguageDetector, type LanguageGuess } from '../../src/core/decide.js';
import type { InboundMail } from '../../src/core/inbound-mail.js';
import type { Reason } from '../../src/core/reasons.js';
import type { AuthEvidence } from '../../src/core/sender-policy.js';

/**
 * decide() over InboundMail literals: each test is one wrong (or right) mail and asserts the action
 * and the reasons that explain it, so that weakening any one rule of the decision is noticed.
 */

const READY = { portalApproved: true, termsSigned: true, sandboxDone: true, preBetaDone: true };
const ACME: AppInfo = { id: 'acme-scheduler', name: 'Acme Scheduler', aliases: ['AcmeSched'], readiness: READY };
const BRIGHT: AppInfo = { id: 'brightline-insights', name: 'Brightline Insights', aliases: [], readiness: READY };
const NOT_READY: AppInfo = { id: 'carenote', name: 'CareNote', aliases: [], readiness: { portalApproved: true } };

const CTX: DecisionContext = {
  clients: [
    { id: 'riverside', name: 'Riverside Family Medicine', domains: ['riversidefm.org'], approvers: [] },
    { id: 'lakeside', name: 'Lakeside Pediatrics', domains: ['lakesidepeds.org'], approvers: ['dr.ortiz@lakesidepeds.org'] },
  ],
  staff: ['ops@partners.example'],
  apps: [ACME, BRIGHT, NOT_READY],
  integrations: [
    { app: 'acme-scheduler', client: 'riverside', stage: 'beta_consented' },
    { app: 'brightline-insights', client: 'riverside', stage: 'pending' },
    { app: 'carenote', client: 'riverside', stage: 'pending' },
    { app: 'acme-scheduler', client: 'lakeside', stage: 'pending' },
    { app: 'brightline-insights', client: 'lakeside', stage: 'beta_consented' },
  ],
  ownAddresses: ['apipartners@partners.example'],
  minConfidence: 0.6,
};

const DEPS: DecisionDeps = { phrases: loadPhraseLists(), detectLanguage };

const pass = (domain: string): AuthEvidence => ({ source: 'authentication-results', dmarc: { result: 'pass', fromDomain: domain }, dkimPass: [domain], spf: 'pass' });
const AUTH = pass('riversidefm.org');

const APPROVAL = 'We approve Acme Scheduler for production.';

function mail(over: Partial<InboundMail> = {}): InboundMail {
  const from = over.from ?? [{ address: 'pm@riversidefm.org', name: 'Pat Quinn' }];
  return {
    messageId: '<m1@riversidefm.org>',
    from,
    sender: null,
    replyTo: [],
    to: [{ address: 'apipartners@partners.example', name: '' }],
    cc: [],
    subject: 'Acme Scheduler',
    date: '2026-11-20T10:00:00.000Z',
    inReplyTo: null,
    references: [],
    headers: new Map(),
    text: APPROVAL,
    hasPlainPart: true,
    html: null,
    htmlText: null,
    hiddenText: '',
    calendar: false,
    contentType: 'text/plain',
    reportType: null,
    attachments: [],
    embeddedMessageIds: [],
    returnPath: from[0]?.address ?? null,
    defects: [],
    ...over,
  };
}

const run = (m: InboundMail, auth: AuthEvidence | null = AUTH, ctx: DecisionContext = CTX, deps: DecisionDeps = DEPS) => decide(m, auth, ctx, deps);
const codes = (rs: Reason[]) => rs.map((r) => r.code);

describe('decide: a clean approval applies', () => {
  it('applies a verified, in-stage production approval naming the app, with no reason at all', () => {
    const d = run(mail());
    expect(d).toMatchObject({ action: 'apply', intent: 'production_approval', app: 'acme-scheduler', client: 'riverside', step: 'production_approval', senderSummary: 'verified', automated: null, language: 'en' });
    expect(d.reasons).toEqual([]);
    expect(d.confidence).toBe(0.9);
    expect(d.appMatch).toEqual({ kind: 'named', app: 'acme-scheduler', as: 'Acme Scheduler' });
    expect(d.text.newText).toBe(APPROVAL);
    expect(d.sender).toMatchObject({ kind: 'verified', role: 'client', client: 'riverside' });
  });

  it('finds the app named only in the subject', () => {
    const d = run(mail({ subject: 'AcmeSched go-live', text: 'We approve this app for production.' }));
    expect(d.action).toBe('apply');
    expect(d.app).toBe('acme-scheduler');
  });

  it('reads the HTML part when there is one and both parts agree', () => {
    const d = run(mail({ htmlText: APPROVAL, html: `<p>${APPROVAL}</p>`, contentType: 'multipart/alternative' }));
    expect(d.action).toBe('apply');
    expect(d.reasons).toEqual([]);
  });

  it('reads an HTML-only mail (no text/plain part) from its visible text', () => {
    const d = run(mail({ hasPlainPart: false, text: 'ignored: this is not a part', htmlText: APPROVAL, html: `<p>${APPROVAL}</p>` }));
    expect(d.action).toBe('apply');
    expect(d.text.newText).toBe(APPROVAL);
  });

  it('falls back to the plain text when the HTML part shows only blanks', () => {
    const d = run(mail({ htmlText: '   \n ', html: '<p> </p>' }));
    expect(d.action).toBe('apply');
    expect(d.reasons).toEqual([]);
  });

  it('reads nothing from a mail with neither a text part nor HTML', () => {
    const d = run(mail({ hasPlainPart: false, htmlText: null }));
    expect(d.action).toBe('flag');
    expect(d.intent).toBe('other');
    expect(codes(d.reasons)).toEqual(['no_approval_found']);
  });
});

describe('decide: the quoted history never approves', () => {
  it('flags a reply whose only approval sits below a single-line "On … wrote:" header', () => {
    const text = 'Thanks, noted.\n\nOn Fri, Nov 20, 2026 at 4:12 PM Pat Quinn <pm@riversidefm.org> wrote:\nWe approve Acme Scheduler for production.';
    const d = run(mail({ text }));
    expect(d.action).toBe('flag');
    expect(d.intent).toBe('other');
    expect(codes(d.reasons)).toEqual(['no_approval_found']);
    expect(d.text.newText).toBe('Thanks, noted.');
    expect(d.text.quoted).toContain('We approve Acme Scheduler');
  });

  it('flags a reply whose approval is only in ">" lines under the header', () => {
    const text = 'Thanks, noted.\n\nOn Fri, Nov 20, 2026 at 4:12 PM Pat Quinn <pm@riversidefm.org> wrote:\n> We approve Acme Scheduler for production.';
    const d = run(mail({ text }));
    expect(d.action).toBe('flag');
    expect(codes(d.reasons)).toEqual(['no_approval_found']);
  });
});

describe('decide: a hold anywhere blocks', () => {
  it('flags a production approval whose second sentence asks to wait', () => {
    const d = run(mail({ text: `${APPROVAL} Please wait for our board before sending anything.` }));
    expect(d.action).toBe('flag');
    expect(d.intent).toBe('production_approval');
    expect(d.reasons).toEqual([{ code: 'hold_elsewhere', kind: 'wait', cue: 'wait', sentence: 'Please wait for our board before sending anything.' }]);
  });

  it('flags a question written without "?" (an auxiliary before its subject)', () => {
    const d = run(mail({ text: 'Was our approval for production of Acme Scheduler recorded' }));
    expect(d.action).toBe('flag');
    expect(d.intent).toBe('production_approval');
    expect(d.reasons).toEqual([{ code: 'blocked', kind: 'question', cue: 'Was our', sentence: 'Was our approval for production of Acme Scheduler recorded' }]);
  });

  it('flags a question opened by "can we" without a question mark', () => {
    const d = run(mail({ text: 'Can we approve Acme Scheduler for production' }));
    expect(d.action).toBe('flag');
    expect(d.reasons).toEqual([{ code: 'blocked', kind: 'question', cue: 'Can we', sentence: 'Can we approve Acme Scheduler for production' }]);
  });

  it('flags a negated approval as blocked, with its cue', () => {
    const d = run(mail({ text: 'We do not approve Acme Scheduler for production.' }));
    expect(d.action).toBe('flag');
    expect(d.reasons).toEqual([{ code: 'blocked', kind: 'negated', cue: 'not', sentence: 'We do not approve Acme Scheduler for production.' }]);
  });
});

describe('decide: who sent it', () => {
  it('flags a mail with two From addresses, naming both', () => {
    const d = run(mail({ from: [{ address: 'pm@riversidefm.org', name: '' }, { address: 'x@evil.example', name: '' }] }));
    expect(d.action).toBe('flag');
    expect(d.reasons).toEqual([{ code: 'sender_multiple_from', addresses: ['pm@riversidefm.org', 'x@evil.example'] }]);
    expect(d.client).toBeNull();
  });

  it('flags an approval written above a forwarded block', () => {
    const text = `${APPROVAL}\n\n---------- Forwarded message ---------\nFrom: Dana <dana@riversidefm.org>\nDate: Thu, Nov 19, 2026\nSubject: Acme\nTo: Pat\n\nWe would like to move ahead.`;
    const d = run(mail({ text }));
    expect(d.action).toBe('flag');
    expect(d.reasons).toEqual([{ code: 'sender_forwarded', address: 'pm@riversidefm.org', how: '"---------- Forwarded message ---------" in the text' }]);
    expect(d.client).toBeNull();
  });

  it('flags an approval sent with the forwarded original attached', () => {
    const d = run(mail({ attachments: [{ contentType: 'message/rfc822', filename: 'original.eml', size: 2000 }] }));
    expect(d.action).toBe('flag');
    expect(d.reasons).toEqual([{ code: 'sender_forwarded', address: 'pm@riversidefm.org', how: 'an attached message' }]);
  });

  it('flags an unauthenticated client but still names the client and the app', () => {
    const d = run(mail(), null);
    expect(d.action).toBe('flag');
    expect(d.client).toBe('riverside');
    expect(d.app).toBe('acme-scheduler');
    expect(d.senderSummary).toBe('unverified');
    expect(d.reasons).toEqual([{ code: 'sender_unverified', role: 'client', client: 'riverside', address: 'pm@riversidefm.org', detail: 'no Authentication-Results from our receiving server' }]);
  });

  it('flags a DMARC pass evaluated for another domain than the From domain', () => {
    const d = run(mail(), pass('evil.example'));
    expect(d.action).toBe('flag');
    expect(codes(d.reasons)).toEqual(['sender_unverified']);
  });

  it('flags an address the client does not list as an approver, naming the client', () => {
    const d = run(mail({ from: [{ address: 'frontdesk@lakesidepeds.org', name: '' }], subject: 'Go-live', text: 'We approve Brightline Insights for production.' }), pass('lakesidepeds.org'));
    expect(d.action).toBe('flag');
    expect(d.client).toBe('lakeside');
    expect(d.reasons).toEqual([{ code: 'sender_not_approver', client: 'lakeside', address: 'frontdesk@lakesidepeds.org' }]);
  });

  it('applies for a listed approver of that client, at that client’s stage', () => {
    const d = run(mail({ from: [{ address: 'dr.ortiz@lakesidepeds.org', name: '' }], subject: 'Go-live', text: 'We approve Brightline Insights for production.' }), pass('lakesidepeds.org'));
    expect(d).toMatchObject({ action: 'apply', client: 'lakeside', app: 'brightline-insights', reasons: [] });
  });

  it('flags an unknown domain and names no client', () => {
    const d = run(mail({ from: [{ address: 'pm@unknown.example', name: '' }] }), pass('unknown.example'));
    expect(d.action).toBe('flag');
    expect(d.client).toBeNull();
    expect(d.senderSummary).toBe('unknown');
    expect(codes(d.reasons)).toEqual(['sender_unknown_domain']);
  });

  it('ignores mail from our own address, saying it is our own', () => {
    const d = run(mail({ from: [{ address: 'apipartners@partners.example', name: '' }] }), pass('partners.example'));
    expect(d.action).toBe('ignore');
    expect(d.reasons[0]).toEqual({ code: 'own_mail', address: 'apipartners@partners.example' });
  });

  it('flags a mail with a parse defect, naming the defect', () => {
    const d = run(mail({ defects: ['no Date header'] }));
    expect(d.action).toBe('flag');
    expect(d.reasons).toEqual([{ code: 'malformed', defect: 'no Date header' }]);
  });
});

describe('decide: automated mail', () => {
  it('ignores an auto-reply known only by its subject, even when it quotes an approval', () => {
    const d = run(mail({ subject: 'Out of Office: Acme Scheduler' }));
    expect(d.action).toBe('ignore');
    expect(d.automated).toEqual({ code: 'auto_reply_subject', subject: 'Out of Office: Acme Scheduler' });
    expect(d.reasons).toEqual([{ code: 'auto_reply_subject', subject: 'Out of Office: Acme Scheduler' }]);
  });

  it('ignores an Auto-Submitted mail', () => {
    const d = run(mail({ headers: new Map([['auto-submitted', ['auto-replied']]]) }));
    expect(d.action).toBe('ignore');
    expect(d.reasons).toEqual([{ code: 'auto_submitted', value: 'auto-replied' }]);
  });
});

describe('decide: the confidence threshold', () => {
  const SOFT = 'We have no objection to moving Acme Scheduler to production.';

  it('applies a double negative at the default threshold, with its lower confidence', () => {
    const d = run(mail({ text: SOFT }));
    expect(d).toMatchObject({ action: 'apply', intent: 'production_approval', confidence: 0.7, reasons: [] });
  });

  it('flags the same double negative for low confidence when the threshold is above it', () => {
    const d = run(mail({ text: SOFT }), AUTH, { ...CTX, minConfidence: 0.75 });
    expect(d.action).toBe('flag');
    expect(d.reasons).toEqual([{ code: 'low_confidence', confidence: 0.7 }]);
  });

  it('applies a confidence exactly at the threshold (below means below)', () => {
    expect(run(mail({ text: SOFT }), AUTH, { ...CTX, minConfidence: 0.7 }).action).toBe('apply');
    expect(run(mail(), AUTH, { ...CTX, minConfidence: 0.9 }).action).toBe('apply');
  });

  it('flags a clear approval when the threshold is set above anything the wording can reach', () => {
    const d = run(mail(), AUTH, { ...CTX, minConfidence: 0.95 });
    expect(d.action).toBe('flag');
    expect(d.reasons).toEqual([{ code: 'low_confidence', confidence: 0.9 }]);
  });

  it('does not add low confidence where the wording already says why (a hold)', () => {
    const d = run(mail({ text: 'We approve Acme Scheduler for production once the training is done.' }), AUTH, { ...CTX, minConfidence: 0.95 });
    expect(codes(d.reasons)).toEqual(['blocked']);
  });
});

describe('decide: the stage and the app', () => {
  it('refuses a production approval for an integration still pending, naming the stage it needs', () => {
    const d = run(mail({ subject: 'Go-live', text: 'We approve Brightline Insights for production.' }));
    expect(d.action).toBe('flag');
    expect(d.app).toBe('brightline-insights');
    expect(d.reasons).toEqual([{ code: 'stage_refused', refusal: { kind: 'stage_not_reached', stage: 'pending', step: 'production_approval', needs: 'beta_consented' } }]);
  });

  it('looks up the stage of this client’s integration, not another client’s with the same app', () => {
    // Brightline is beta_consented at Lakeside but pending at Riverside.
    const d = run(mail({ subject: 'Go-live', text: 'We approve Brightline Insights for production.' }), AUTH, { ...CTX, integrations: [{ app: 'brightline-insights', client: 'lakeside', stage: 'beta_consented' }, { app: 'brightline-insights', client: 'riverside', stage: 'pending' }] });
    expect(d.reasons).toEqual([{ code: 'stage_refused', refusal: { kind: 'stage_not_reached', stage: 'pending', step: 'production_approval', needs: 'beta_consented' } }]);
  });

  it('looks up the stage of this app, not another app of the same client', () => {
    const d = run(mail(), AUTH, { ...CTX, integrations: [{ app: 'brightline-insights', client: 'riverside', stage: 'pending' }, { app: 'acme-scheduler', client: 'riverside', stage: 'beta_consented' }] });
    expect(d.action).toBe('apply');
  });

  it('treats an integration not on record as pending', () => {
    const d = run(mail(), AUTH, { ...CTX, integrations: [] });
    expect(d.reasons).toEqual([{ code: 'stage_refused', refusal: { kind: 'stage_not_reached', stage: 'pending', step: 'production_approval', needs: 'beta_consented' } }]);
  });

  it('refuses an approval already recorded', () => {
    const d = run(mail(), AUTH, { ...CTX, integrations: [{ app: 'acme-scheduler', client: 'riverside', stage: 'production_approved' }] });
    expect(d.reasons).toEqual([{ code: 'stage_refused', refusal: { kind: 'already_done', stage: 'production_approved', step: 'production_approval' } }]);
  });

  it('proposes the one integration at the needed stage when no app is named, and flags', () => {
    const d = run(mail({ subject: 'Next step', text: 'We approve the app for production.' }));
    expect(d.action).toBe('flag');
    expect(d.app).toBe('acme-scheduler');
    expect(d.reasons).toEqual([{ code: 'app_inferred', app: 'acme-scheduler' }]);
  });

  it('infers only among this client’s integrations at the needed stage', () => {
    // At Lakeside, only Brightline is beta_consented; Riverside's Acme (also beta_consented) is not Lakeside's.
    const d = run(mail({ from: [{ address: 'dr.ortiz@lakesidepeds.org', name: '' }], subject: 'Next step', text: 'We approve the app for production.' }), pass('lakesidepeds.org'));
    expect(d.reasons).toEqual([{ code: 'app_inferred', app: 'brightline-insights' }]);
    // For a beta consent, the needed stage is pending: Acme at Lakeside.
    const b = run(
      mail({ from: [{ address: 'dr.ortiz@lakesidepeds.org', name: '' }], subject: 'Beta', text: 'We signed an agreement giving the app access to our test database. We are happy to serve as a beta site.' }),
      pass('lakesidepeds.org'),
    );
    expect(b.intent).toBe('beta_consent');
    expect(b.reasons).toEqual([{ code: 'app_inferred', app: 'acme-scheduler' }]);
  });

  it('says no app is named when several integrations could be meant', () => {
    const d = run(mail({ subject: 'Beta', text: 'We signed an agreement giving the app access to our test database. We are happy to serve as a beta site.' }));
    expect(d.intent).toBe('beta_consent');
    expect(d.app).toBeNull();
    expect(d.reasons).toEqual([{ code: 'app_not_named' }]);
  });

  it('says no app is named when no client is known', () => {
    const d = run(mail({ from: [{ address: 'pm@unknown.example', name: '' }], subject: 'Next step', text: 'We approve the app for production.' }), pass('unknown.example'));
    expect(codes(d.reasons)).toEqual(['sender_unknown_domain', 'app_not_named']);
  });

  it('flags two apps named as ambiguous, listing both', () => {
    const d = run(mail({ text: 'We approve Acme Scheduler and Brightline Insights for production.' }));
    expect(d.action).toBe('flag');
    expect(d.app).toBeNull();
    expect(d.reasons).toEqual([{ code: 'app_ambiguous', apps: ['acme-scheduler', 'brightline-insights'] }]);
  });

  it('flags an approval of a name the registry does not know, even when a known app is in the subject', () => {
    const d = run(mail({ text: 'We approve MediTrack Pro for production.' }));
    expect(d.action).toBe('flag');
    expect(d.reasons).toEqual([{ code: 'app_unrecognized', name: 'MediTrack Pro' }]);
  });

  it('does not complain of an approved name that is a known app', () => {
    const d = run(mail({ subject: 'Go-live', text: 'We approve Acme Scheduler for production.' }));
    expect(d.reasons).toEqual([]);
  });

  it('refuses a complete beta consent for an app not ready, naming what is missing', () => {
    const d = run(mail({ subject: 'CareNote beta', text: 'We signed an agreement giving the app access to our test database. We are happy to serve as a beta site.' }));
    expect(d.action).toBe('flag');
    expect(d.intent).toBe('beta_consent');
    expect(d.betaParts).toEqual({ testDatabaseAgreement: true, betaSiteConsent: true });
    expect(d.reasons).toEqual([{ code: 'stage_refused', refusal: { kind: 'app_not_ready', missing: ['termsSigned', 'sandboxDone', 'preBetaDone'] } }]);
  });

  it('applies a complete beta consent for a ready app at pending', () => {
    const d = run(mail({ subject: 'Brightline Insights beta', text: 'We signed an agreement giving the app access to our test database. We are happy to serve as a beta site.' }));
    expect(d).toMatchObject({ action: 'apply', intent: 'beta_consent', step: 'beta_consent', app: 'brightline-insights', reasons: [] });
  });

  it('treats an app missing from the registry list as not ready', () => {
    const d = run(mail({ subject: 'Brightline Insights beta', text: 'We signed an agreement giving the app access to our test database. We are happy to serve as a beta site.' }), AUTH, {
      ...CTX,
      apps: [ACME, { ...BRIGHT, id: 'brightline-insights', readiness: READY }].map((a) => (a.id === 'brightline-insights' ? { ...a, readiness: {} } : a)),
    });
    expect(d.reasons).toEqual([{ code: 'stage_refused', refusal: { kind: 'app_not_ready', missing: ['portalApproved', 'termsSigned', 'sandboxDone', 'preBetaDone'] } }]);
  });

  it('names the missing part of a half beta consent once, not as a stage refusal', () => {
    const d = run(mail({ subject: 'Brightline Insights beta', text: 'We are happy to serve as a beta site.' }));
    expect(d.action).toBe('flag');
    expect(d.reasons).toEqual([{ code: 'beta_consent_incomplete', missing: ['testDatabaseAgreement'] }]);
    const other = run(mail({ subject: 'Brightline Insights beta', text: 'We signed an agreement giving the app access to our test database.' }));
    expect(other.reasons).toEqual([{ code: 'beta_consent_incomplete', missing: ['betaSiteConsent'] }]);
  });

  it('flags two steps in one mail as multiple intents', () => {
    const d = run(mail({ text: 'We signed an agreement giving the app access to our test database. We approve Acme Scheduler for production.' }));
    expect(d.action).toBe('flag');
    expect(d.reasons).toContainEqual({ code: 'multiple_intents', intents: ['beta_consent', 'production_approval'] });
    expect(codes(d.reasons)).not.toContain('low_confidence');
  });
});

describe('decide: withdrawals and staff', () => {
  it('flags a withdrawal for staff, never as a stage change', () => {
    const d = run(mail({ text: 'We withdraw our consent for Acme Scheduler.' }));
    expect(d).toMatchObject({ action: 'flag', intent: 'withdrawal', step: 'withdrawal', app: 'acme-scheduler' });
    expect(d.reasons).toEqual([{ code: 'withdrawal_requested' }]);
  });

  it('flags a withdrawal that names no app, without inferring one', () => {
    const d = run(mail({ subject: 'Stop', text: 'We withdraw our consent.' }));
    expect(d.app).toBeNull();
    expect(d.reasons).toEqual([{ code: 'withdrawal_requested' }, { code: 'app_not_named' }]);
  });

  it('flags a withdrawal beside an approval without calling it multiple intents', () => {
    const d = run(mail({ text: 'We withdraw our consent for Acme Scheduler. We approved it for production last month.' }));
    expect(d.intent).toBe('withdrawal');
    expect(codes(d.reasons)).not.toContain('multiple_intents');
    expect(codes(d.reasons)).toContain('withdrawal_requested');
  });

  it('reads a verified staff member’s mail as a staff reply, never as a client approval', () => {
    const d = run(mail({ from: [{ address: 'ops@partners.example', name: '' }] }), pass('partners.example'));
    expect(d).toMatchObject({ action: 'flag', intent: 'staff_reply', step: null, app: null, client: null });
    expect(d.reasons).toEqual([{ code: 'staff_reply_unmatched' }]);
  });

  it('reads an unverified staff member’s mail as a staff reply too', () => {
    const d = run(mail({ from: [{ address: 'ops@partners.example', name: '' }] }), null);
    expect(d.intent).toBe('staff_reply');
    expect(codes(d.reasons)).toEqual(['sender_unverified', 'staff_reply_unmatched']);
  });
});

describe('decide: what a reader sees', () => {
  it('flags a text part that approves while the HTML part says it does not yet', () => {
    const d = run(mail({ htmlText: 'We do not yet approve Acme Scheduler for production.', html: '<p>…</p>' }));
    expect(d.action).toBe('flag');
    expect(d.reasons[0]).toEqual({ code: 'parts_disagree', plain: 'production approval', html: 'production approval, held back' });
  });

  it('flags parts where one approves and the other says nothing', () => {
    const d = run(mail({ text: 'See you Friday.', htmlText: APPROVAL, html: '<p>…</p>' }));
    expect(d.reasons[0]).toEqual({ code: 'parts_disagree', plain: 'no approval', html: 'production approval' });
  });

  it('flags approval wording hidden in the HTML', () => {
    const d = run(mail({ text: 'Hello team.', htmlText: 'Hello team.', hiddenText: 'We approve Acme Scheduler for production.' }));
    expect(d.action).toBe('flag');
    expect(d.reasons).toContainEqual({ code: 'hidden_text', words: 'We approve Acme Scheduler for production.' });
  });

  it('ignores hidden text that holds no approval wording', () => {
    const d = run(mail({ hiddenText: 'Preheader: newsletter' }));
    expect(d.action).toBe('apply');
  });

  it('flags a meeting invitation whose agenda is an approval', () => {
    const d = run(mail({ calendar: true }));
    expect(d.action).toBe('flag');
    expect(d.reasons).toEqual([{ code: 'calendar_invitation' }]);
  });

  it('flags a body too long to read, with its length and the limit', () => {
    const text = `${APPROVAL}\n${'Lorem ipsum dolor sit amet.\n'.repeat(10_000)}`;
    const d = run(mail({ text }));
    expect(d.action).toBe('flag');
    expect(d.reasons).toContainEqual({ code: 'text_too_long', length: text.length, limit: 256 * 1024 });
  });

  it('flags a plain part too long to read even when the HTML part is short', () => {
    const text = `${APPROVAL}\n${'Lorem ipsum dolor sit amet.\n'.repeat(10_000)}`;
    const d = run(mail({ text, htmlText: APPROVAL }));
    expect(d.reasons.filter((r) => r.code === 'text_too_long')).toEqual([{ code: 'text_too_long', length: text.length, limit: 256 * 1024 }]);
  });

  it('names a body too long once, even when both parts are', () => {
    const text = `${APPROVAL}\n${'Lorem ipsum dolor sit amet.\n'.repeat(10_000)}`;
    const d = run(mail({ text, htmlText: text }));
    expect(d.reasons.filter((r) => r.code === 'text_too_long')).toHaveLength(1);
  });

  it('flags a word that mixes Latin and Cyrillic letters', () => {
    const d = run(mail({ text: 'We \u0430pprove Acme Scheduler for production.' }));
    expect(d.action).toBe('flag');
    expect(d.reasons).toContainEqual({ code: 'mixed_script', word: '\u0430pprove' });
  });

  it('flags a mixed-script word found in the plain part when the HTML part is clean', () => {
    const d = run(mail({ text: 'We \u0430pprove Acme Scheduler for production.', htmlText: 'We approve Acme Scheduler for production.' }));
    expect(d.reasons).toContainEqual({ code: 'mixed_script', word: '\u0430pprove' });
  });

  it('flags a production approval whose "not" a right-to-left override shows reversed as "ton"', () => {
    const d = run(mail({ text: 'We do \u202Eton\u202C approve Acme Scheduler for production.' }));
    expect(d.classification.intent).toBe('production_approval');
    expect(d.action).toBe('flag');
    expect(d.reasons).toEqual([{ code: 'reordered_text', around: 'We do ·ton· approve' }]);
  });

  it('flags right-to-left text in the plain part when the HTML part is clean', () => {
    const d = run(mail({ text: 'We do \u2067ton\u2069 approve Acme Scheduler for production.', htmlText: APPROVAL }));
    expect(d.action).toBe('flag');
    expect(d.reasons).toContainEqual({ code: 'reordered_text', around: 'We do ·ton· approve' });
  });

  it('flags an invisible character inside a word', () => {
    const d = run(mail({ text: 'We app\u200Brove Acme Scheduler for production.' }));
    expect(d.action).toBe('flag');
    expect(d.reasons).toContainEqual({ code: 'invisible_characters', around: 'We app·rove Acme Sch' });
  });

  it('flags an invisible character in the plain part when the HTML part is clean', () => {
    const d = run(mail({ text: 'We app\u200Brove Acme Scheduler for production.', htmlText: APPROVAL }));
    expect(d.reasons).toContainEqual({ code: 'invisible_characters', around: 'We app·rove Acme Sch' });
  });
});

describe('decide: the language of the new text', () => {
  const fixed = (language: string, scores: Record<string, number>, perSentence?: LanguageDetector): DecisionDeps => {
    let first = true;
    return {
      phrases: DEPS.phrases,
      detectLanguage: (t) => {
        if (first || !perSentence) {
          first = false;
          return { language, scores };
        }
        return perSentence(t);
      },
    };
  };

  it('flags an approval written in a language it does not decide in', () => {
    const d = run(mail({ text: 'Approviamo Acme Scheduler per la produzione. Grazie mille per la vostra pazienza e per il lavoro svolto.' }));
    expect(d.action).toBe('flag');
    expect(d.language).toBe('it');
    expect(d.reasons).toContainEqual({ code: 'language_unsupported', language: 'it' });
  });

  it('reads a short text whose best guess is unsupported as a supported language scored nearly as high', () => {
    const d = run(mail(), AUTH, CTX, fixed('nl', { nl: 1, en: 0.996, de: 0.5 }));
    expect(d.language).toBe('en');
    expect(d.action).toBe('apply');
  });

  it('picks the highest of several supported languages scored nearly as high', () => {
    const d = run(mail(), AUTH, CTX, fixed('nl', { nl: 1, de: 0.996, en: 0.999 }));
    expect(d.language).toBe('en');
  });

  it('keeps the unsupported guess when no supported language comes near it', () => {
    const d = run(mail(), AUTH, CTX, fixed('nl', { nl: 1, en: 0.99 }));
    expect(d.language).toBe('nl');
    expect(d.reasons).toEqual([{ code: 'language_unsupported', language: 'nl' }]);
  });

  it('accepts a supported language at exactly the nearness bound', () => {
    const d = run(mail(), AUTH, CTX, fixed('nl', { nl: 1, en: 0.995 }));
    expect(d.language).toBe('en');
  });

  it('keeps an unsupported guess without scores', () => {
    const d = run(mail(), AUTH, CTX, fixed('nl', {}));
    expect(d.reasons).toEqual([{ code: 'language_unsupported', language: 'nl' }]);
  });

  it('does not guess the language of a text too short to tell (fewer than 24 letters)', () => {
    const calls: string[] = [];
    const d = run(mail({ text: 'Approved for production.' }), AUTH, CTX, { phrases: DEPS.phrases, detectLanguage: (t) => (calls.push(t), { language: 'it', scores: { it: 1 } }) });
    expect(d.language).toBeNull();
    expect(calls).toEqual([]);
  });

  const sampled = (text: string): string[] => {
    const calls: string[] = [];
    run(mail({ text }), AUTH, CTX, { phrases: DEPS.phrases, detectLanguage: (t) => (calls.push(t), { language: 'en', scores: { en: 1 } }) });
    return calls;
  };

  it('guesses from 24 letters on, leaving greetings, thanks and short lines out of the sample', () => {
    expect(sampled('Hi team,\n\nWe approve it for prod.\n\nThanks,\nPat')).toEqual([]);
    expect(sampled('We approve it in production.')).toEqual([]);
    expect(sampled('We approve it for production.')).toEqual(['We approve it for production.']);
  });

  it('judges the language of a sentence on its own only from 40 letters on', () => {
    expect(sampled(`${APPROVAL}\nIt is a fine day and we are all here today with joy.`)).toEqual([`${APPROVAL}\nIt is a fine day and we are all here today with joy.`]);
    expect(sampled(`${APPROVAL}\nIt is a fine day and we are all here today with joys.`)).toEqual([
      `${APPROVAL}\nIt is a fine day and we are all here today with joys.`,
      'It is a fine day and we are all here today with joys.',
    ]);
  });

  it('flags a mail with a long sentence in another language than the rest', () => {
    const text = 'We approve Acme Scheduler for production and thank you for all the work.\nBitte senden Sie die Zugangsdaten erst nach der Schulung am Freitag.';
    const d = run(mail({ text }), AUTH, CTX, fixed('en', { en: 1 }, (s): LanguageGuess => (s.startsWith('Bitte') ? { language: 'de', scores: { de: 0.9, en: 0.2 } } : { language: 'en', scores: { en: 1 } })));
    expect(d.reasons).toContainEqual({ code: 'language_mixed', languages: ['en', 'de'] });
  });

  it('does not call a sentence foreign when it scores the main language as high, or is undetermined', () => {
    const text = 'We approve Acme Scheduler for production and thank you for all the work.\nAcme Scheduler Riverside Family Medicine production environment NextGen.';
    const even = run(mail({ text }), AUTH, CTX, fixed('en', { en: 1 }, () => ({ language: 'de', scores: { de: 0.5, en: 0.5 } })));
    expect(codes(even.reasons)).not.toContain('language_mixed');
    const und = run(mail({ text }), AUTH, CTX, fixed('en', { en: 1 }, () => ({ language: 'und', scores: {} })));
    expect(codes(und.reasons)).not.toContain('language_mixed');
    const same = run(mail({ text }), AUTH, CTX, fixed('en', { en: 1 }, () => ({ language: 'en', scores: { en: 0.1 } })));
    expect(codes(same.reasons)).not.toContain('language_mixed');
  });

  it('samples at most 4000 characters and judges at most 60 sentences one by one', () => {
    const calls: string[] = [];
    const text = Array.from({ length: 80 }, (_, i) => `Sentence number ${i} tells the team about the weather and the traffic in town today.`).join('\n');
    run(mail({ text }), AUTH, CTX, { phrases: DEPS.phrases, detectLanguage: (t) => (calls.push(t), { language: 'en', scores: { en: 1 } }) });
    expect(calls[0]).toHaveLength(4000);
    expect(calls).toHaveLength(61);
  });

  it('lists every other language found, sorted, after the main one', () => {
    const text = 'We approve Acme Scheduler for production and thank you for all the work.\nBitte senden Sie die Zugangsdaten erst nach der Schulung am Freitag.\nMerci de ne rien envoyer avant la formation de vendredi prochain.';
    const d = run(mail({ text }), AUTH, CTX, fixed('en', { en: 1 }, (s): LanguageGuess => (s.startsWith('Bitte') ? { language: 'de', scores: { de: 0.9 } } : s.startsWith('Merci') ? { language: 'fr', scores: { fr: 0.9 } } : { language: 'en', scores: { en: 1 } })));
    expect(d.reasons).toContainEqual({ code: 'language_mixed', languages: ['en', 'de', 'fr'] });
  });
});
