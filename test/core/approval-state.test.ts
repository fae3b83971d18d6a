import { describe, expect, it } from 'vitest';
import {
  STAGES,
  STEPS,
  STEP_REQUIRES,
  STEP_TARGET,
  describeBetaPart,
  describeStep,
  explainRefusal,
  isStage,
  isStep,
  missingBetaParts,
  missingReadiness,
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

  it('refuses a beta consent that holds only the Beta-site consent, naming the missing test-database agreement', () => {
    const r = transition({ stage: 'pending', step: 'beta_consent', actor: 'client', betaParts: { testDatabaseAgreement: false, betaSiteConsent: true }, readiness: READY });
    expect(r).toEqual({ ok: false, error: { kind: 'beta_consent_incomplete', missing: ['testDatabaseAgreement'] } });
  });

  it('checks the consent before the app: an incomplete consent for an app that is not ready names the consent', () => {
    const r = transition({ stage: 'pending', step: 'beta_consent', actor: 'client', betaParts: { testDatabaseAgreement: true, betaSiteConsent: false }, readiness: {} });
    expect(!r.ok && r.error.kind).toBe('beta_consent_incomplete');
  });

  it('asks neither consent parts nor readiness of a production approval or a GA sign-off', () => {
    expect(transition({ stage: 'beta_consented', step: 'production_approval', actor: 'client', readiness: {} })).toEqual({
      ok: true,
      value: { from: 'beta_consented', to: 'production_approved', effects: [{ kind: 'send_production_identifiers' }] },
    });
    expect(transition({ stage: 'production_approved', step: 'ga_signoff', actor: 'staff', readiness: {} })).toEqual({
      ok: true,
      value: { from: 'production_approved', to: 'ga_signed_off', effects: [{ kind: 'notify_staff_ga_ready' }] },
    });
  });

  it('lets staff withdraw, but refuses a second withdrawal of a withdrawn integration as already done', () => {
    expect(transition({ stage: 'beta_consented', step: 'withdrawal', actor: 'staff', readiness: {} })).toEqual({
      ok: true,
      value: { from: 'beta_consented', to: 'withdrawn', effects: [{ kind: 'notify_staff_withdrawn' }] },
    });
    expect(transition({ stage: 'withdrawn', step: 'withdrawal', actor: 'staff', readiness: {} })).toEqual({ ok: false, error: { kind: 'already_done', stage: 'withdrawn', step: 'withdrawal' } });
  });

  it('names the stage a step needs when the integration has not reached it', () => {
    expect(transition({ stage: 'pending', step: 'ga_signoff', actor: 'client', readiness: READY })).toEqual({
      ok: false,
      error: { kind: 'stage_not_reached', stage: 'pending', step: 'ga_signoff', needs: 'production_approved' },
    });
    expect(transition({ stage: 'production_approved', step: 'beta_consent', actor: 'client', betaParts: BOTH, readiness: READY })).toEqual({
      ok: false,
      error: { kind: 'already_done', stage: 'production_approved', step: 'beta_consent' },
    });
    expect(transition({ stage: 'withdrawn', step: 'production_approval', actor: 'client', readiness: READY })).toEqual({ ok: false, error: { kind: 'integration_withdrawn', step: 'production_approval' } });
  });

  it('maps each step to the stage it needs and the stage it leads to, in the program\'s order', () => {
    expect(STEP_REQUIRES).toEqual({ beta_consent: 'pending', production_approval: 'beta_consented', ga_signoff: 'production_approved' });
    expect(STEP_TARGET).toEqual({ beta_consent: 'beta_consented', production_approval: 'production_approved', ga_signoff: 'ga_signed_off', withdrawal: 'withdrawn' });
  });

  it('recognises stage and step names, and nothing else (a staff reply or a registry may hold anything)', () => {
    for (const s of STAGES) expect(isStage(s), s).toBe(true);
    for (const s of STEPS) expect(isStep(s), s).toBe(true);
    for (const s of ['', 'approved', 'Pending', 'beta_consent', 'withdrawal']) expect(isStage(s), s).toBe(false);
    for (const s of ['', 'approve', 'Beta_Consent', 'pending', 'withdrawn']) expect(isStep(s), s).toBe(false);
  });

  it('counts a readiness condition as missing unless it is recorded as true', () => {
    expect(missingReadiness(READY)).toEqual([]);
    expect(missingReadiness({})).toEqual(['portalApproved', 'termsSigned', 'sandboxDone', 'preBetaDone']);
    expect(missingReadiness({ portalApproved: false, termsSigned: true, sandboxDone: true })).toEqual(['portalApproved', 'preBetaDone']);
  });

  it('lists the beta-consent parts a mail lacks, in a fixed order', () => {
    expect(missingBetaParts(BOTH)).toEqual([]);
    expect(missingBetaParts(undefined)).toEqual(['testDatabaseAgreement', 'betaSiteConsent']);
    expect(missingBetaParts({ testDatabaseAgreement: false, betaSiteConsent: true })).toEqual(['testDatabaseAgreement']);
    expect(missingBetaParts({ testDatabaseAgreement: true, betaSiteConsent: false })).toEqual(['betaSiteConsent']);
  });

  it('describes every step and consent part in the words staff read', () => {
    expect(STEPS.map(describeStep)).toEqual(['beta consent', 'Production approval', 'GA sign-off', 'withdrawal']);
    expect(describeBetaPart('testDatabaseAgreement')).toBe('confirmation of an agreement with the developer for access to the test database');
    expect(describeBetaPart('betaSiteConsent')).toBe('consent to be, and readiness to act as, a Beta site');
  });

  it('explains every refusal in one line naming the step, the stages and what is missing', () => {
    const lines: [TransitionRefusal, string][] = [
      [{ kind: 'already_done', stage: 'production_approved', step: 'production_approval' }, 'The Production approval was already recorded: the integration is at production_approved.'],
      [{ kind: 'stage_not_reached', stage: 'pending', step: 'ga_signoff', needs: 'production_approved' }, 'A GA sign-off needs the integration at production_approved; it is at pending.'],
      [{ kind: 'integration_withdrawn', step: 'beta_consent' }, 'The integration was withdrawn; a beta consent cannot apply to it.'],
      [
        { kind: 'beta_consent_incomplete', missing: ['testDatabaseAgreement', 'betaSiteConsent'] },
        'The beta consent is incomplete: missing confirmation of an agreement with the developer for access to the test database and consent to be, and readiness to act as, a Beta site.',
      ],
      [
        { kind: 'app_not_ready', missing: ['portalApproved', 'termsSigned', 'sandboxDone', 'preBetaDone'] },
        'The app is not ready for beta: not recorded as done: app entry approved in the developer portal; API terms of service signed; sandbox development complete; pre-beta requirements complete.',
      ],
      [{ kind: 'withdrawal_needs_staff' }, 'A withdrawal is only ever applied by a staff or operator decision.'],
    ];
    for (const [refusal, line] of lines) expect(explainRefusal(refusal)).toBe(line);
  });
});
