import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPhraseLists } from '../../src/adapters/load-phrases.js';
import { parseMail } from '../../src/adapters/parse-mail.js';
import { detectLanguage } from '../../src/adapters/detect-language.js';
import type { DecisionContext } from '../../src/core/decide.js';
import { decideMessage } from '../../src/daemon/decide-message.js';
import { loadDecisionContext } from '../../src/db/load-decision-context.js';
import { decisionRegistry } from '../helpers/decision-registry.js';
import { seededDb } from '../helpers/test-db.js';
import { AUTHSERV_ID } from '../helpers/mail.js';

const DIR = fileURLToPath(new URL('../fixtures/decisions/', import.meta.url));
const labels = readFileSync(`${DIR}LABELS.tsv`, 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => {
    const [file, decision, intent, app] = l.split('\t');
    return { file: file!, decision: decision!, intent: intent!, app: app || null };
  });

/**
 * The reason each flagged or ignored fixture must carry: a fixture is flagged for what its name
 * says, not for something else that happens to be wrong with it.
 */
const REASON: Record<string, string> = {
  'flag-negated.eml': 'blocked',
  'flag-conditional-once.eml': 'blocked',
  'flag-wait.eml': 'blocked',
  'flag-question.eml': 'blocked',
  'flag-question-beta.eml': 'blocked',
  'flag-hold-off.eml': 'blocked',
  'flag-conditional-after.eml': 'blocked',
  'flag-not-authorized.eml': 'blocked',
  'flag-beta-agreement-only.eml': 'beta_consent_incomplete',
  'flag-beta-site-only.eml': 'beta_consent_incomplete',
  'flag-no-app-inferred.eml': 'app_inferred',
  'flag-no-app-not-inferable.eml': 'app_not_named',
  'flag-two-apps.eml': 'app_ambiguous',
  'flag-production-before-beta.eml': 'stage_refused',
  'flag-second-beta-consent.eml': 'stage_refused',
  'flag-app-not-ready.eml': 'stage_refused',
  'flag-withdrawal.eml': 'withdrawal_requested',
  'flag-withdrawal-no-longer.eml': 'withdrawal_requested',
  'flag-multiple-intents.eml': 'multiple_intents',
  'flag-other-billing.eml': 'no_approval_found',
  'flag-other-thanks.eml': 'no_approval_found',
  'flag-approval-only-in-quote.eml': 'no_approval_found',
  'flag-staff-mail.eml': 'staff_reply_unmatched',
  'flag-unauthenticated.eml': 'sender_unverified',
  'flag-dmarc-fail.eml': 'sender_unverified',
  'flag-foreign-authserv-only.eml': 'sender_unverified',
  'flag-forged-lower-header.eml': 'sender_unverified',
  'flag-dkim-unaligned.eml': 'sender_unverified',
  'flag-lookalike-edit.eml': 'sender_lookalike_domain',
  'flag-lookalike-suffix.eml': 'sender_lookalike_domain',
  'flag-lookalike-punycode.eml': 'sender_lookalike_domain',
  'flag-display-name-spoof.eml': 'sender_display_name_address',
  'flag-display-name-other-address.eml': 'sender_display_name_address',
  'flag-forwarded-by-developer.eml': 'sender_forwarded',
  'flag-forwarded-by-client.eml': 'sender_forwarded',
  'flag-unknown-domain.eml': 'sender_unknown_domain',
  'flag-personal-gmail.eml': 'sender_unknown_domain',
  'flag-not-approver.eml': 'sender_not_approver',
  'flag-unlisted-subdomain.eml': 'sender_unlisted_subdomain',
  'flag-sent-on-behalf.eml': 'sender_sent_on_behalf',
  'flag-reply-to-elsewhere-still-verified-sender.eml': 'blocked',
  'flag-negated-agreement.eml': 'blocked',
  'flag-question-ga.eml': 'blocked',
  'flag-pending-legal.eml': 'blocked',
  'flag-provided.eml': 'blocked',
  'flag-postpone.eml': 'no_approval_found',
  'flag-revoke-access.eml': 'withdrawal_requested',
  'ignore-outlook-ooo.eml': 'auto_submitted',
  'ignore-autoreply-with-approval-words.eml': 'auto_reply_header',
  'ignore-vacation-precedence.eml': 'precedence_bulk',
  'ignore-newsletter.eml': 'precedence_bulk',
  'ignore-noreply.eml': 'no_reply_sender',
  'ignore-own-loop.eml': 'own_mail',
  'ignore-empty-return-path.eml': 'empty_return_path',
  'ignore-mailer-daemon.eml': 'mailer_daemon_sender',
  'ignore-dsn-report.eml': 'delivery_report',
  'ignore-dsn-from-person-domain.eml': 'delivery_report',
  'ignore-auto-submitted-notification.eml': 'auto_submitted',
  'ignore-x-autorespond.eml': 'auto_reply_header',
  'ignore-read-receipt.eml': 'delivery_report',
};

let ctx: DecisionContext;
const deps = { phrases: loadPhraseLists(), detectLanguage, authservId: AUTHSERV_ID };

beforeAll(async () => {
  const db = await seededDb(decisionRegistry());
  ctx = loadDecisionContext(db, { ownAddresses: ['apipartners@partners.example'], minConfidence: 0.6 });
});

async function decideFile(file: string) {
  const raw = readFileSync(`${DIR}${file}`);
  return decideMessage(raw, await parseMail(raw), ctx, deps);
}

describe('labelled decision fixtures', () => {
  it('names the reason of every flagged or ignored fixture', () => {
    expect(labels.filter((l) => l.decision !== 'apply' && !REASON[l.file]).map((l) => l.file)).toEqual([]);
  });

  it('holds at least 80 messages covering every decision', () => {
    expect(labels.length).toBeGreaterThanOrEqual(80);
    expect(new Set(labels.map((l) => l.decision))).toEqual(new Set(['apply', 'flag', 'ignore']));
  });

  for (const l of labels) {
    it(`${l.file}: ${l.decision} ${l.intent}${l.app ? ` ${l.app}` : ''}`, async () => {
      const d = await decideFile(l.file);
      const summary = { decision: d.action, intent: d.intent, app: d.app };
      expect(summary, d.reasons.map((r) => r.code).join(', ')).toEqual({ decision: l.decision, intent: l.intent, app: l.app });
      if (l.decision === 'apply') expect(d.reasons).toEqual([]);
      else expect(d.reasons.map((r) => r.code)).toContain(REASON[l.file]);
    });
  }

  it('never applies a message labelled flag or ignore, and applies every clean in-stage approval', async () => {
    const wrong: string[] = [];
    for (const l of labels) {
      const d = await decideFile(l.file);
      if (d.action === 'apply' && l.decision !== 'apply') wrong.push(`false apply: ${l.file}`);
      if (l.decision === 'apply' && d.action !== 'apply') wrong.push(`missed: ${l.file}`);
      if (l.decision === 'ignore' && d.action !== 'ignore') wrong.push(`automated not ignored: ${l.file}`);
    }
    expect(wrong).toEqual([]);
  });
});
