import { err, ok, type Result } from './result.js';

/**
 * The approval stages of one integration (an app at a client), following the program's steps
 * (shared/docs/program.md): beta consent → production approval → GA sign-off; withdrawal from anywhere.
 */
export const STAGES = ['pending', 'beta_consented', 'production_approved', 'ga_signed_off', 'withdrawn'] as const;
export type Stage = (typeof STAGES)[number];

export const STEPS = ['beta_consent', 'production_approval', 'ga_signoff', 'withdrawal'] as const;
export type Step = (typeof STEPS)[number];

export const isStage = (s: string): s is Stage => (STAGES as readonly string[]).includes(s);
export const isStep = (s: string): s is Step => (STEPS as readonly string[]).includes(s);

/** The stage each step leads to. */
export const STEP_TARGET: Readonly<Record<Step, Stage>> = {
  beta_consent: 'beta_consented',
  production_approval: 'production_approved',
  ga_signoff: 'ga_signed_off',
  withdrawal: 'withdrawn',
};

/** The stage an integration must be in for a step to apply (withdrawal: any stage but withdrawn). */
export const STEP_REQUIRES: Readonly<Record<Exclude<Step, 'withdrawal'>, Stage>> = {
  beta_consent: 'pending',
  production_approval: 'beta_consented',
  ga_signoff: 'production_approved',
};

const ORDER: Readonly<Record<Stage, number>> = {
  pending: 0,
  beta_consented: 1,
  production_approved: 2,
  ga_signed_off: 3,
  withdrawn: 99,
};

/** The program's pre-beta conditions, recorded by staff in the registry. A missing one counts as false. */
export const READINESS_CONDITIONS = ['portalApproved', 'termsSigned', 'sandboxDone', 'preBetaDone'] as const;
export type ReadinessCondition = (typeof READINESS_CONDITIONS)[number];
export type Readiness = Partial<Record<ReadinessCondition, boolean>>;

/** The two parts a beta consent must hold (program step 1). */
export interface BetaConsentParts {
  /** The client has an agreement with the developer letting the app access its test database. */
  testDatabaseAgreement: boolean;
  /** The client consents to, and is ready for, being a Beta site. */
  betaSiteConsent: boolean;
}
export type BetaConsentPart = keyof BetaConsentParts;

export type Actor = 'client' | 'staff' | 'operator';

export interface TransitionInput {
  stage: Stage;
  step: Step;
  actor: Actor;
  /** Required for beta_consent. */
  betaParts?: BetaConsentParts;
  /** The app's readiness; checked for beta_consent. */
  readiness: Readiness;
}

/** What must happen because of a stage change; the store turns these into outbox rows. */
export type Effect =
  | { kind: 'send_test_identifiers' }
  | { kind: 'send_production_identifiers' }
  | { kind: 'notify_staff_ga_ready' }
  | { kind: 'notify_staff_withdrawn' };

export interface Transition {
  from: Stage;
  to: Stage;
  effects: Effect[];
}

/** Every reason a transition is refused. */
export type TransitionRefusal =
  | { kind: 'already_done'; stage: Stage; step: Step }
  | { kind: 'stage_not_reached'; stage: Stage; step: Step; needs: Stage }
  | { kind: 'integration_withdrawn'; step: Step }
  | { kind: 'beta_consent_incomplete'; missing: BetaConsentPart[] }
  | { kind: 'app_not_ready'; missing: ReadinessCondition[] }
  | { kind: 'withdrawal_needs_staff' };

const EFFECTS: Readonly<Record<Step, Effect[]>> = {
  beta_consent: [{ kind: 'send_test_identifiers' }],
  production_approval: [{ kind: 'send_production_identifiers' }],
  ga_signoff: [{ kind: 'notify_staff_ga_ready' }],
  withdrawal: [{ kind: 'notify_staff_withdrawn' }],
};

export function missingReadiness(readiness: Readiness): ReadinessCondition[] {
  return READINESS_CONDITIONS.filter((c) => readiness[c] !== true);
}

export function missingBetaParts(parts: BetaConsentParts | undefined): BetaConsentPart[] {
  const missing: BetaConsentPart[] = [];
  if (!parts?.testDatabaseAgreement) missing.push('testDatabaseAgreement');
  if (!parts?.betaSiteConsent) missing.push('betaSiteConsent');
  return missing;
}

/**
 * The state machine: pure, total over (stage × step × actor). A refused transition changes nothing
 * and says why.
 */
export function transition(input: TransitionInput): Result<Transition, TransitionRefusal> {
  const { stage, step } = input;
  if (step === 'withdrawal') {
    // A withdrawal is always raised to staff; it never applies straight from a client's mail.
    if (input.actor === 'client') return err({ kind: 'withdrawal_needs_staff' });
    if (stage === 'withdrawn') return err({ kind: 'already_done', stage, step });
    return ok({ from: stage, to: 'withdrawn', effects: EFFECTS.withdrawal });
  }
  if (stage === 'withdrawn') return err({ kind: 'integration_withdrawn', step });
  const needs = STEP_REQUIRES[step];
  if (ORDER[stage] > ORDER[needs]) return err({ kind: 'already_done', stage, step });
  if (stage !== needs) return err({ kind: 'stage_not_reached', stage, step, needs });
  if (step === 'beta_consent') {
    const missingParts = missingBetaParts(input.betaParts);
    if (missingParts.length > 0) return err({ kind: 'beta_consent_incomplete', missing: missingParts });
    const notReady = missingReadiness(input.readiness);
    if (notReady.length > 0) return err({ kind: 'app_not_ready', missing: notReady });
  }
  return ok({ from: stage, to: STEP_TARGET[step], effects: EFFECTS[step] });
}

const PART_WORDS: Readonly<Record<BetaConsentPart, string>> = {
  testDatabaseAgreement: 'confirmation of an agreement with the developer for access to the test database',
  betaSiteConsent: 'consent to be, and readiness to act as, a Beta site',
};

const CONDITION_WORDS: Readonly<Record<ReadinessCondition, string>> = {
  portalApproved: 'app entry approved in the developer portal',
  termsSigned: 'API terms of service signed',
  sandboxDone: 'sandbox development complete',
  preBetaDone: 'pre-beta requirements complete',
};

const STEP_WORDS: Readonly<Record<Step, string>> = {
  beta_consent: 'beta consent',
  production_approval: 'Production approval',
  ga_signoff: 'GA sign-off',
  withdrawal: 'withdrawal',
};

export const describeStep = (step: Step): string => STEP_WORDS[step];
export const describeBetaPart = (part: BetaConsentPart): string => PART_WORDS[part];

/** One line a member of staff or an operator reads. */
export function explainRefusal(r: TransitionRefusal): string {
  switch (r.kind) {
    case 'already_done':
      return `The ${STEP_WORDS[r.step]} was already recorded: the integration is at ${r.stage}.`;
    case 'stage_not_reached':
      return `A ${STEP_WORDS[r.step]} needs the integration at ${r.needs}; it is at ${r.stage}.`;
    case 'integration_withdrawn':
      return `The integration was withdrawn; a ${STEP_WORDS[r.step]} cannot apply to it.`;
    case 'beta_consent_incomplete':
      return `The beta consent is incomplete: missing ${r.missing.map((p) => PART_WORDS[p]).join(' and ')}.`;
    case 'app_not_ready':
      return `The app is not ready for beta: not recorded as done: ${r.missing.map((c) => CONDITION_WORDS[c]).join('; ')}.`;
    case 'withdrawal_needs_staff':
      return 'A withdrawal is only ever applied by a staff or operator decision.';
    default: {
      const never: never = r;
      return never;
    }
  }
}
