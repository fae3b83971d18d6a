import { describe, expect, it } from 'vitest';
import {
  STAGES,
  STEPS,
  explainRefusal,
  transition,
  type Actor,
  type Stage,
  type Step,
  type TransitionRefusal,
} from '../../src/core/approval-state.js';

const READY = { portalApproved: true, termsSigned: true, sandboxDone: true, preBetaDone: true };
const BOTH = { testDatabaseAgreement: true, betaSiteConsent: true };

type Expected = Stage | TransitionRefusal['kind'];

/** The whole table for a complete, ready beta consent, by the client (withdrawal: by staff). */
const TABLE: Record<Stage, Record<Step, Expected>> = {
  pending: { beta_consent: 'beta_consented', production_approval: 'stage_not_reached', ga_signoff: 'stage_not_reached', withdrawal: 'withdrawn' },
  beta_consented: { beta_consent: 'already_done', production_approval: 'production_approved', ga_signoff: 'stage_not_reached', withdrawal: 'withdrawn' },
  production_approved: { beta_consent: 'already_done', production_approval: 'already_done', ga_signoff: 'ga_signed_off', withdrawal: 'withdrawn' },
  ga_signed_off: { beta_consent: 'already_done', production_approval: 'already_done', ga_signoff: 'already_done', withdrawal: 'withdrawn' },
  withdrawn: { beta_consent: 'integration_withdrawn', production_approval: 'integration_withdrawn', ga_signoff: 'integration_withdrawn', withdrawal: 'already_done' },
};

describe('approval state machine', () => {
  for (const stage of STAGES) {
    for (const step of STEPS) {
      const expected = TABLE[stage][step];
      const actor: Actor = step === 'withdrawal' ? 'staff' : 'client';
      it(`${step} at ${stage} → ${expected}`, () => {
        const r = transition({ stage, step, actor, betaParts: BOTH, readiness: READY });
        if (r.ok) {
          expect(r.value.to).toBe(expected);
          expect(r.value.from).toBe(stage);
        } else {
          expect(r.error.kind).toBe(expected);
          expect(explainRefusal(r.error)).toMatch(/\w/);
        }
      });
    }
  }

  it('asks the partner to receive Test identifiers on beta consent and Production identifiers on production approval', () => {
    const beta = transition({ stage: 'pending', step: 'beta_consent', actor: 'client', betaParts: BOTH, readiness: READY });
    const prod = transition({ stage: 'beta_consented', step: 'production_approval', actor: 'client', readiness: READY });
    const ga = transition({ stage: 'production_approved', step: 'ga_signoff', actor: 'client', readiness: READY });
    expect(beta.ok && beta.value.effects).toEqual([{ kind: 'send_test_identifiers' }]);
    expect(prod.ok && prod.value.effects).toEqual([{ kind: 'send_production_identifiers' }]);
    expect(ga.ok && ga.value.effects).toEqual([{ kind: 'notify_staff_ga_ready' }]);
  });

  it('refuses a beta consent that holds only the test-database agreement, naming the missing part', () => {
    const r = transition({ stage: 'pending', step: 'beta_consent', actor: 'client', betaParts: { testDatabaseAgreement: true, betaSiteConsent: false }, readiness: READY });
    expect(r).toEqual({ ok: false, error: { kind: 'beta_consent_incomplete', missing: ['betaSiteConsent'] } });
    expect(explainRefusal((r as { error: TransitionRefusal }).error)).toContain('Beta site');
  });

  it('refuses a beta consent without any parts given', () => {
    const r = transition({ stage: 'pending', step: 'beta_consent', actor: 'client', readiness: READY });
    expect(!r.ok && r.error).toEqual({ kind: 'beta_consent_incomplete', missing: ['testDatabaseAgreement', 'betaSiteConsent'] });
  });

  it('refuses a beta consent for an app whose readiness is not all recorded, naming each missing condition', () => {
    const r = transition({ stage: 'pending', step: 'beta_consent', actor: 'client', betaParts: BOTH, readiness: { portalApproved: true, termsSigned: false } });
    expect(!r.ok && r.error).toEqual({ kind: 'app_not_ready', missing: ['termsSigned', 'sandboxDone', 'preBetaDone'] });
    expect(explainRefusal((r as { error: TransitionRefusal }).error)).toContain('API terms of service signed');
  });

  it('never applies a withdrawal written by a client, at any stage', () => {
    for (const stage of STAGES) {
      const r = transition({ stage, step: 'withdrawal', actor: 'client', readiness: READY });
      expect(!r.ok && r.error.kind).toBe('withdrawal_needs_staff');
    }
  });

  it('lets an operator withdraw an integration at any stage but withdrawn', () => {
    for (const stage of STAGES.filter((s) => s !== 'withdrawn')) {
      const r = transition({ stage, step: 'withdrawal', actor: 'operator', readiness: {} });
      expect(r.ok && r.value).toEqual({ from: stage, to: 'withdrawn', effects: [{ kind: 'notify_staff_withdrawn' }] });
    }
  });
});
