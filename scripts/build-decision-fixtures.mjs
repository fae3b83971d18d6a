#!/usr/bin/env node
// Writes the labelled decision fixtures (test/fixtures/decisions/*.eml and LABELS.tsv): client mail
// written the way real clients write it (Outlook, Gmail, phones; base64, quoted-printable,
// ISO-8859-1; disclaimers, quoted threads), automated mail, and spoofed or lookalike senders.
// Run it after changing a case: `node scripts/build-decision-fixtures.mjs`. The output is committed.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import MailComposer from 'nodemailer/lib/mail-composer';

const OUT = fileURLToPath(new URL('../test/fixtures/decisions/', import.meta.url));
const AUTHSERV = 'mx.partners.example';
const TO = 'API Partners <apipartners@partners.example>';
const DATE = new Date('2026-11-23T15:00:00Z');

const DISCLAIMER =
  'CONFIDENTIALITY NOTICE: This e-mail message, including any attachments, is for the sole use of the intended recipient(s) and may contain confidential and privileged information, including protected health information. Any unauthorized review, use, disclosure or distribution is prohibited. If you are not the intended recipient, please contact the sender by reply e-mail and destroy all copies of the original message. Do not approve, forward or act on this message if received in error.';

const authPass = (d) => `${AUTHSERV}; dkim=pass (2048-bit key) header.d=${d} header.i=@${d} header.s=selector1; spf=pass smtp.mailfrom=${d}; dmarc=pass (p=QUARANTINE sp=NONE dis=NONE) header.from=${d}`;

/** Outlook (desktop) HTML with its reply header block and the quoted thread below. */
function outlookHtml(newHtml, quotedFrom = 'API Partners', quotedText = 'Please confirm the next step for your practice.') {
  return `<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><style>p.MsoNormal{margin:0in;}</style></head><body lang="EN-US"><div class="WordSection1">${newHtml
    .split('\n\n')
    .map((p) => `<p class="MsoNormal">${p.replace(/\n/g, '<br>')}<o:p></o:p></p>`)
    .join('<p class="MsoNormal"><o:p>&nbsp;</o:p></p>')}<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0in 0in 0in"><p class="MsoNormal"><b>From:</b> ${quotedFrom} &lt;apipartners@partners.example&gt;<br><b>Sent:</b> Friday, November 20, 2026 4:12 PM<br><b>To:</b> Practice Manager<br><b>Subject:</b> Next steps</p></div><p class="MsoNormal">${quotedText}</p></div></body></html>`;
}

/** Gmail HTML with the quoted message in a gmail_quote block. */
function gmailHtml(newText, quoted = 'Do not approve until you have reviewed the test plan.') {
  return `<div dir="ltr">${newText.split('\n').map((l) => `<div>${l || '<br>'}</div>`).join('')}</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Fri, Nov 20, 2026 at 4:12 PM API Partners &lt;apipartners@partners.example&gt; wrote:<br></div><blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex">${quoted}</blockquote></div>`;
}

const cases = [];
/**
 * c: { name, from, fromName?, subject, text?, html?, auth? (string|null), headers?, encoding?, latin1?,
 *      expect: { decision, intent, app } }
 */
const add = (c) => cases.push(c);

// ---- Clean, authenticated, in-stage approvals: applied -------------------------------------------
// lakeside: acme-scheduler and brightline-insights pending; riverside: acme-scheduler beta_consented;
// hillcrest: acme-scheduler production_approved.
const betaTexts = [
  'Please accept this as confirmation that we have signed an agreement with Acme Health Apps permitting Acme Scheduler to connect to our test database. We are happy to serve as a beta site.',
  'This email confirms that Lakeside Pediatrics has entered into an agreement with Acme Health Apps allowing AcmeSched access to our test environment. We consent to participate as a Beta site and are ready to begin.',
  'Our contract with Acme is signed and authorizes Acme Scheduler to access our test database.\n\nWe agree to serve as a beta site for the app.',
  'We have an agreement in place with Acme that permits Acme Scheduler to connect to our non-production database, and we are ready to act as a beta client.',
  'Confirming two things for Acme Scheduler: (1) we have signed an agreement with the developer for access to our test system, and (2) we consent to being a beta site.',
  'We executed the agreement with Acme Health Apps granting Acme Scheduler access to our test database. Lakeside is glad to participate as a beta practice.',
];
const styles = ['plain', 'outlook', 'gmail', 'iphone', 'base64', 'qp'];
betaTexts.forEach((t, i) =>
  add({ name: `apply-beta-${i + 1}-${styles[i]}`, from: i % 2 ? 'dr.ortiz@lakesidepeds.org' : 'pm@lakesidepeds.org', fromName: i % 2 ? 'Ana Ortiz, MD' : 'Pat Quinn', subject: i % 3 === 0 ? 'Beta consent - Acme Scheduler' : 'RE: Acme Scheduler beta', style: styles[i], text: t, expect: { decision: 'apply', intent: 'beta_consent', app: 'acme-scheduler' } }),
);
add({ name: 'apply-beta-brightline-disclaimer', from: 'pm@lakesidepeds.org', subject: 'BL Insights beta', style: 'plain', text: `We agreed with Brightline on test database access for BL Insights and are ready to serve as a beta site.\n\nRegards,\nPat\n\n${DISCLAIMER}`, expect: { decision: 'apply', intent: 'beta_consent', app: 'brightline-insights' } });

const prodTexts = [
  'Acme Scheduler is approved for production - go ahead.',
  'You have our approval to move AcmeSched to production.',
  'Riverside approves Acme Scheduler for our production environment. Please proceed.',
  'We are ready to go live with Acme Scheduler. Consider this our production approval.',
  'Please accept this email as our approval for Acme Scheduler to integrate with our production database.',
  'Green light from us: Acme Scheduler is cleared for production.',
  'We authorize Acme Scheduler to connect to our production environment.',
];
prodTexts.forEach((t, i) =>
  add({ name: `apply-production-${i + 1}-${styles[i % styles.length]}`, from: 'pm@riversidefm.org', fromName: 'Sam Lee', subject: i % 2 ? 'Re: Acme Scheduler - production' : 'Production approval', style: styles[i % styles.length], text: t, expect: { decision: 'apply', intent: 'production_approval', app: 'acme-scheduler' } }),
);
add({ name: 'apply-production-latin1', from: 'pm@riversidefm.org', fromName: 'José Núñez', subject: 'Aprobación: Acme Scheduler', style: 'latin1', text: 'Hola,\n\nAcme Scheduler is approved for production - go ahead.\n\nSaludos,\nJosé Núñez\nDirección médica', expect: { decision: 'apply', intent: 'production_approval', app: 'acme-scheduler' } });
add({ name: 'apply-production-disclaimer', from: 'pm@riversidefm.org', subject: 'Acme Scheduler', style: 'outlook', text: `Hello,\n\nAcme Scheduler is approved for production. Go ahead.\n\nThank you,\nSam\n\n${DISCLAIMER}`, expect: { decision: 'apply', intent: 'production_approval', app: 'acme-scheduler' } });

const gaTexts = [
  'Acme Scheduler is working as designed to our satisfaction; consider this our sign-off.',
  'The beta went well. AcmeSched works as expected and we are signing off.',
  'We are satisfied with the app. Acme Scheduler functions as intended, and this is our formal sign-off.',
  'Hillcrest confirms Acme Scheduler is performing as designed to our complete satisfaction. Please take this as our sign off.',
  'Acme Scheduler has been working as designed in our clinic. We sign off on the beta.',
];
gaTexts.forEach((t, i) =>
  add({ name: `apply-ga-${i + 1}-${styles[(i + 2) % styles.length]}`, from: 'director@hillcrestclinic.org', fromName: 'Morgan Hill', subject: 'Acme Scheduler sign-off', style: styles[(i + 2) % styles.length], text: t, expect: { decision: 'apply', intent: 'ga_signoff', app: 'acme-scheduler' } }),
);

// ---- Wording that is not (yet) an approval: flagged ---------------------------------------------
const notYet = [
  ['negated', 'We are not ready to approve Acme Scheduler for production yet.', 'production_approval'],
  ['conditional-once', 'We will approve Acme Scheduler for production once training is done.', 'production_approval'],
  ['wait', 'Please do not approve Acme Scheduler for production until we confirm with our IT lead.', 'production_approval'],
  ['question', 'What do we need to send to approve Acme Scheduler for production?', 'production_approval'],
  ['question-beta', 'Can we serve as a beta site for Acme Scheduler if the agreement is still being reviewed?', 'beta_consent'],
  ['hold-off', 'Please hold off on moving Acme Scheduler to production; we found an issue.', 'production_approval'],
  ['conditional-after', 'We approve Acme Scheduler for production after the go-live checklist is signed.', 'production_approval'],
  ['not-authorized', 'Acme Scheduler is not authorized for production at this time.', 'production_approval'],
];
notYet.forEach(([n, t, intent], i) => add({ name: `flag-${n}`, from: 'pm@riversidefm.org', subject: 'Acme Scheduler', style: styles[i % styles.length], text: t, expect: { decision: 'flag', intent, app: 'acme-scheduler' } }));

add({ name: 'flag-beta-agreement-only', from: 'pm@lakesidepeds.org', subject: 'Acme Scheduler', style: 'plain', text: 'We have signed an agreement with Acme permitting Acme Scheduler to connect to our test database.', expect: { decision: 'flag', intent: 'beta_consent', app: 'acme-scheduler' } });
add({ name: 'flag-beta-site-only', from: 'pm@lakesidepeds.org', subject: 'Acme Scheduler', style: 'gmail', text: 'We are happy to serve as a beta site for Acme Scheduler.', expect: { decision: 'flag', intent: 'beta_consent', app: 'acme-scheduler' } });
add({ name: 'flag-no-app-inferred', from: 'pm@riversidefm.org', subject: 'Production', style: 'iphone', text: 'Approved for production - go ahead.', expect: { decision: 'flag', intent: 'production_approval', app: 'acme-scheduler' } });
add({ name: 'flag-no-app-not-inferable', from: 'pm@lakesidepeds.org', subject: 'Beta', style: 'plain', text: 'We have signed an agreement permitting the app to connect to our test database and we are happy to serve as a beta site.', expect: { decision: 'flag', intent: 'beta_consent', app: '' } });
add({ name: 'flag-two-apps', from: 'pm@lakesidepeds.org', subject: 'Beta for Acme Scheduler and BL Insights', style: 'plain', text: 'We have signed agreements permitting Acme Scheduler and Brightline Insights to connect to our test database, and we are happy to serve as a beta site.', expect: { decision: 'flag', intent: 'beta_consent', app: '' } });
add({ name: 'flag-production-before-beta', from: 'pm@lakesidepeds.org', subject: 'Acme Scheduler', style: 'outlook', text: 'Acme Scheduler is approved for production - go ahead.', expect: { decision: 'flag', intent: 'production_approval', app: 'acme-scheduler' } });
add({ name: 'flag-second-beta-consent', from: 'pm@riversidefm.org', subject: 'Acme Scheduler', style: 'plain', text: betaTexts[0], expect: { decision: 'flag', intent: 'beta_consent', app: 'acme-scheduler' } });
add({ name: 'flag-app-not-ready', from: 'pm@lakesidepeds.org', subject: 'Acme Notes', style: 'plain', text: 'We have signed an agreement with Acme permitting Acme Notes to connect to our test database and we are ready to serve as a beta site.', expect: { decision: 'flag', intent: 'beta_consent', app: 'acme-notes' } });
add({ name: 'flag-withdrawal', from: 'pm@riversidefm.org', subject: 'Acme Scheduler', style: 'outlook', text: 'We withdraw our consent for Acme Scheduler. Please revoke its access to our systems.', expect: { decision: 'flag', intent: 'withdrawal', app: 'acme-scheduler' } });
add({ name: 'flag-withdrawal-no-longer', from: 'pm@riversidefm.org', subject: 'AcmeSched', style: 'gmail', text: 'Riverside no longer wishes to participate in the AcmeSched beta.', expect: { decision: 'flag', intent: 'withdrawal', app: 'acme-scheduler' } });
add({ name: 'flag-multiple-intents', from: 'director@hillcrestclinic.org', subject: 'Acme Scheduler', style: 'plain', text: 'Acme Scheduler is approved for production. It is also working as designed to our satisfaction.', expect: { decision: 'flag', intent: 'production_approval', app: 'acme-scheduler' } });
add({ name: 'flag-other-billing', from: 'pm@riversidefm.org', subject: 'Invoice question', style: 'outlook', text: 'Hi, could you resend last month\'s invoice? Thanks.', expect: { decision: 'flag', intent: 'other', app: '' } });
add({ name: 'flag-other-thanks', from: 'pm@riversidefm.org', subject: 'RE: Acme Scheduler', style: 'gmail', text: 'Thank you, received.', expect: { decision: 'flag', intent: 'other', app: 'acme-scheduler' } });
add({ name: 'flag-approval-only-in-quote', from: 'pm@riversidefm.org', subject: 'RE: Acme Scheduler', style: 'plain', text: 'Let me check with our director and get back to you.\n\nOn Fri, Nov 20, 2026 at 4:12 PM Sam Lee <sam@riversidefm.org> wrote:\n> Acme Scheduler is approved for production - go ahead.', expect: { decision: 'flag', intent: 'other', app: 'acme-scheduler' } });
add({ name: 'flag-staff-mail', from: 'ops@partners.example', subject: 'RE: [CS-0000] Flagged', style: 'plain', text: 'approve', expect: { decision: 'flag', intent: 'staff_reply', app: '' } });

// ---- Who sent it: flagged -------------------------------------------------------------------------
const prod = 'Acme Scheduler is approved for production - go ahead.';
add({ name: 'flag-unauthenticated', from: 'pm@riversidefm.org', auth: null, subject: 'Acme Scheduler', style: 'plain', text: prod, expect: { decision: 'flag', intent: 'production_approval', app: 'acme-scheduler' } });
add({ name: 'flag-dmarc-fail', from: 'pm@riversidefm.org', auth: `${AUTHSERV}; dkim=fail header.d=riversidefm.org; spf=fail smtp.mailfrom=riversidefm.org; dmarc=fail (p=NONE) header.from=riversidefm.org`, subject: 'Acme Scheduler', style: 'plain', text: prod, expect: { decision: 'flag', intent: 'production_approval', app: 'acme-scheduler' } });
add({ name: 'flag-foreign-authserv-only', from: 'pm@riversidefm.org', auth: authPass('riversidefm.org').replace(AUTHSERV, 'mx.google.com'), subject: 'Acme Scheduler', style: 'plain', text: prod, expect: { decision: 'flag', intent: 'production_approval', app: 'acme-scheduler' } });
add({ name: 'flag-forged-lower-header', from: 'pm@riversidefm.org', auth: `${AUTHSERV}; dkim=none; spf=softfail smtp.mailfrom=riversidefm.org; dmarc=fail header.from=riversidefm.org`, headers: { 'Authentication-Results': authPass('riversidefm.org') }, subject: 'Acme Scheduler', style: 'plain', text: prod, expect: { decision: 'flag', intent: 'production_approval', app: 'acme-scheduler' } });
add({ name: 'flag-dkim-unaligned', from: 'pm@riversidefm.org', auth: `${AUTHSERV}; dkim=pass header.d=bulkmailer.example; spf=pass smtp.mailfrom=bulkmailer.example; dmarc=fail header.from=riversidefm.org`, subject: 'Acme Scheduler', style: 'plain', text: prod, expect: { decision: 'flag', intent: 'production_approval', app: 'acme-scheduler' } });
add({ name: 'flag-lookalike-edit', from: 'pm@riversidefrn.org', subject: 'Acme Scheduler', style: 'outlook', text: prod, expect: { decision: 'flag', intent: 'production_approval', app: 'acme-scheduler' } });
add({ name: 'flag-lookalike-suffix', from: 'pm@riversidefm.co', subject: 'Acme Scheduler', style: 'plain', text: prod, expect: { decision: 'flag', intent: 'production_approval', app: 'acme-scheduler' } });
add({ name: 'flag-lookalike-punycode', from: 'pm@xn--rversidefm-x2i.org', subject: 'Acme Scheduler', style: 'plain', text: prod, expect: { decision: 'flag', intent: 'production_approval', app: 'acme-scheduler' } });
add({ name: 'flag-display-name-spoof', from: 'pm@gmail.com', fromName: 'pm@riversidefm.org', subject: 'Acme Scheduler', style: 'plain', text: prod, expect: { decision: 'flag', intent: 'production_approval', app: 'acme-scheduler' } });
add({ name: 'flag-display-name-other-address', from: 'pm@riversidefm.org', fromName: 'director@hillcrestclinic.org', subject: 'Acme Scheduler', style: 'plain', text: prod, expect: { decision: 'flag', intent: 'production_approval', app: 'acme-scheduler' } });
add({ name: 'flag-forwarded-by-developer', from: 'dev@acmehealth.io', subject: 'Fwd: Acme Scheduler production', style: 'plain', text: `Forwarding the client's approval.\n\n---------- Forwarded message ---------\nFrom: Sam Lee <pm@riversidefm.org>\nDate: Fri, Nov 20, 2026\nSubject: Acme Scheduler\n\n${prod}`, expect: { decision: 'flag', intent: 'other', app: 'acme-scheduler' } });
add({ name: 'flag-forwarded-by-client', from: 'pm@riversidefm.org', subject: 'FW: Acme Scheduler', style: 'outlook', text: prod, expect: { decision: 'flag', intent: 'production_approval', app: 'acme-scheduler' } });
add({ name: 'flag-unknown-domain', from: 'office@newclinic.example', subject: 'Acme Scheduler', style: 'plain', text: prod, expect: { decision: 'flag', intent: 'production_approval', app: 'acme-scheduler' } });
add({ name: 'flag-personal-gmail', from: 'sam.lee.md@gmail.com', subject: 'Acme Scheduler', style: 'gmail', text: prod, expect: { decision: 'flag', intent: 'production_approval', app: 'acme-scheduler' } });
add({ name: 'flag-not-approver', from: 'frontdesk@lakesidepeds.org', subject: 'Acme Scheduler', style: 'plain', text: betaTexts[0], expect: { decision: 'flag', intent: 'beta_consent', app: 'acme-scheduler' } });
add({ name: 'flag-unlisted-subdomain', from: 'pm@mail.riversidefm.org', subject: 'Acme Scheduler', style: 'plain', text: prod, expect: { decision: 'flag', intent: 'production_approval', app: 'acme-scheduler' } });
add({ name: 'flag-sent-on-behalf', from: 'pm@riversidefm.org', headers: { Sender: 'assistant@acmehealth.io' }, subject: 'Acme Scheduler', style: 'plain', text: prod, expect: { decision: 'flag', intent: 'production_approval', app: 'acme-scheduler' } });
add({ name: 'flag-reply-to-elsewhere-still-verified-sender', from: 'pm@riversidefm.org', headers: { 'Reply-To': 'dev@acmehealth.io' }, subject: 'Acme Scheduler', style: 'plain', text: 'We will approve production for Acme Scheduler when the trainer is back.', expect: { decision: 'flag', intent: 'production_approval', app: 'acme-scheduler' } });

// ---- Automated mail: ignored ----------------------------------------------------------------------
add({ name: 'ignore-outlook-ooo', from: 'pm@riversidefm.org', subject: 'Automatic reply: Acme Scheduler', headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' }, style: 'outlook', text: 'I am out of the office until December 1 with limited access to email.', expect: { decision: 'ignore', intent: 'other', app: 'acme-scheduler' } });
add({ name: 'ignore-autoreply-with-approval-words', from: 'pm@riversidefm.org', subject: 'Re: Acme Scheduler', headers: { 'X-Autoreply': 'yes' }, style: 'plain', text: `Thanks for your message. ${prod}`, expect: { decision: 'ignore', intent: 'production_approval', app: 'acme-scheduler' } });
add({ name: 'ignore-vacation-precedence', from: 'pm@riversidefm.org', subject: 'Away', headers: { Precedence: 'auto_reply' }, style: 'plain', text: 'On vacation.', expect: { decision: 'ignore', intent: 'other', app: '' } });
add({ name: 'ignore-newsletter', from: 'news@riversidefm.org', subject: 'Riverside monthly news', headers: { 'List-Unsubscribe': '<https://riversidefm.org/unsub>', 'List-Id': '<news.riversidefm.org>', Precedence: 'bulk' }, style: 'gmail', text: 'Our new clinic opens next month. Acme Scheduler is approved for production at our sites!', expect: { decision: 'ignore', intent: 'production_approval', app: 'acme-scheduler' } });
add({ name: 'ignore-noreply', from: 'noreply@riversidefm.org', subject: 'Password reset', style: 'plain', text: 'Your password was reset.', expect: { decision: 'ignore', intent: 'other', app: '' } });
add({ name: 'ignore-own-loop', from: 'apipartners@partners.example', subject: 'Received: Acme Scheduler', style: 'plain', text: 'We recorded the Production approval of Acme Scheduler.', expect: { decision: 'ignore', intent: 'other', app: 'acme-scheduler' } });
add({ name: 'ignore-empty-return-path', from: 'pm@riversidefm.org', returnPath: '<>', subject: 'Notification', style: 'plain', text: prod, expect: { decision: 'ignore', intent: 'production_approval', app: 'acme-scheduler' } });
add({ name: 'ignore-mailer-daemon', from: 'MAILER-DAEMON@riversidefm.org', fromName: 'Mail Delivery Subsystem', subject: 'Delivery Status Notification (Failure)', style: 'plain', text: 'Delivery to the following recipient failed permanently:\n\n    nobody@riversidefm.org', expect: { decision: 'ignore', intent: 'other', app: '' } });
add({ name: 'ignore-dsn-report', from: 'postmaster@riversidefm.org', subject: 'Undeliverable: Acme Scheduler', style: 'dsn', text: 'Your message could not be delivered.', expect: { decision: 'ignore', intent: 'other', app: 'acme-scheduler' } });
add({ name: 'ignore-dsn-from-person-domain', from: 'mailer@hillcrestclinic.org', subject: 'Returned mail', style: 'dsn', text: 'Delivery failed.', expect: { decision: 'ignore', intent: 'other', app: '' } });
add({ name: 'ignore-auto-submitted-notification', from: 'it@hillcrestclinic.org', subject: 'Ticket received', headers: { 'Auto-Submitted': 'auto-generated' }, style: 'plain', text: 'Your ticket was received.', expect: { decision: 'ignore', intent: 'other', app: '' } });
add({ name: 'ignore-x-autorespond', from: 'director@hillcrestclinic.org', subject: 'Re: Acme Scheduler', headers: { 'X-Autorespond': 'Out of office' }, style: 'plain', text: 'Out until Monday.', expect: { decision: 'ignore', intent: 'other', app: 'acme-scheduler' } });

// ---- More real-world shapes -------------------------------------------------------------------------
add({ name: 'apply-production-android', from: 'pm@riversidefm.org', subject: 'Re: AcmeSched', style: 'plain', text: 'Yes - AcmeSched is approved for production. Go ahead.\n\nGet Outlook for Android', expect: { decision: 'apply', intent: 'production_approval', app: 'acme-scheduler' } });
add({ name: 'apply-beta-signature-block', from: 'dr.ortiz@lakesidepeds.org', fromName: 'Ana Ortiz', subject: 'Acme Scheduler - beta confirmation', style: 'qp', text: 'Good morning,\n\nLakeside Pediatrics confirms it has signed an agreement with Acme Health Apps that allows Acme Scheduler to access our test database. We are ready to serve as a beta site.\n\n--\nAna Ortiz, MD | Medical Director\nLakeside Pediatrics | 555-0100', expect: { decision: 'apply', intent: 'beta_consent', app: 'acme-scheduler' } });
add({ name: 'flag-negated-agreement', from: 'pm@lakesidepeds.org', subject: 'Acme Scheduler', style: 'plain', text: 'We have not signed an agreement permitting Acme Scheduler to access our test database yet. We are happy to serve as a beta site.', expect: { decision: 'flag', intent: 'beta_consent', app: 'acme-scheduler' } });
add({ name: 'flag-question-ga', from: 'director@hillcrestclinic.org', subject: 'Acme Scheduler', style: 'gmail', text: 'Is Acme Scheduler working as designed for the other beta clinics?', expect: { decision: 'flag', intent: 'ga_signoff', app: 'acme-scheduler' } });
add({ name: 'flag-pending-legal', from: 'pm@riversidefm.org', subject: 'Acme Scheduler', style: 'outlook', text: 'Pending legal review, we approve Acme Scheduler for production.', expect: { decision: 'flag', intent: 'production_approval', app: 'acme-scheduler' } });
add({ name: 'flag-provided', from: 'pm@riversidefm.org', subject: 'Acme Scheduler', style: 'plain', text: 'Provided the staff training is complete on Monday, Acme Scheduler is approved for production.', expect: { decision: 'flag', intent: 'production_approval', app: 'acme-scheduler' } });
add({ name: 'flag-postpone', from: 'pm@riversidefm.org', subject: 'Acme Scheduler go-live', style: 'iphone', text: 'We need to postpone the Acme Scheduler production go-live to January.', expect: { decision: 'flag', intent: 'other', app: 'acme-scheduler' } });
add({ name: 'flag-revoke-access', from: 'director@hillcrestclinic.org', subject: 'Acme Scheduler', style: 'plain', text: 'Effective immediately, please revoke Acme Scheduler access to our production environment.', expect: { decision: 'flag', intent: 'withdrawal', app: 'acme-scheduler' } });
add({ name: 'ignore-read-receipt', from: 'pm@riversidefm.org', subject: 'Read: Acme Scheduler', style: 'mdn', text: 'Your message was read.', expect: { decision: 'ignore', intent: 'other', app: 'acme-scheduler' } });

// ---- Rendering -------------------------------------------------------------------------------------
function crlf(s) {
  return s.replace(/\r?\n/g, '\r\n');
}

async function render(c) {
  const domain = c.from.split('@')[1];
  const auth = c.auth === undefined ? authPass(domain) : c.auth;
  const top = [];
  if (auth !== null) top.push(`Authentication-Results: ${auth}`);
  top.push(`Return-Path: ${c.returnPath ?? `<${c.from}>`}`);
  top.push(`Received: from mail.${domain} (mail.${domain} [192.0.2.10]) by ${AUTHSERV} with ESMTPS id 4Xy1; Mon, 23 Nov 2026 15:00:01 +0000`);
  const from = c.fromName ? `"${c.fromName}" <${c.from}>` : c.from;
  const messageId = `<${c.name}.${DATE.getTime()}@${domain}>`;
  const headers = { 'Message-ID': messageId, ...(c.headers ?? {}) };
  if (c.style === 'latin1') {
    const h = [...top, `From: =?ISO-8859-1?Q?${from.replace(/"/g, '').replace(/ /g, '_').replace(/é/g, '=E9').replace(/ú/g, '=FA').replace(/ñ/g, '=F1')}?=`, `To: ${TO}`, `Subject: =?ISO-8859-1?Q?Aprobaci=F3n:_Acme_Scheduler?=`, `Message-ID: ${messageId}`, `Date: ${DATE.toUTCString()}`, 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=ISO-8859-1', 'Content-Transfer-Encoding: 8bit', '', ''].join('\r\n');
    return Buffer.concat([Buffer.from(h, 'latin1'), Buffer.from(crlf(c.text) + '\r\n', 'latin1')]);
  }
  if (c.style === 'mdn') {
    return Buffer.from(
      crlf(
        [...top, `From: ${from}`, `To: ${TO}`, `Subject: ${c.subject}`, `Message-ID: ${messageId}`, `Date: ${DATE.toUTCString()}`, 'MIME-Version: 1.0', 'Content-Type: multipart/report; report-type=disposition-notification; boundary="MDN"', '', '--MDN', 'Content-Type: text/plain', '', c.text, '--MDN', 'Content-Type: message/disposition-notification', '', `Reporting-UA: mail.${c.from.split('@')[1]}`, 'Final-Recipient: rfc822; ' + c.from, 'Disposition: manual-action/MDN-sent-manually; displayed', '--MDN--', ''].join('\n'),
      ),
    );
  }
  if (c.style === 'dsn') {
    return Buffer.from(
      crlf(
        [...top, `From: ${from}`, `To: ${TO}`, `Subject: ${c.subject}`, `Message-ID: ${messageId}`, `Date: ${DATE.toUTCString()}`, 'MIME-Version: 1.0', 'Content-Type: multipart/report; report-type=delivery-status; boundary="DSN"', '', '--DSN', 'Content-Type: text/plain', '', c.text, '--DSN', 'Content-Type: message/delivery-status', '', `Reporting-MTA: dns; mail.${domain}`, '', 'Final-Recipient: rfc822; nobody@example.org', 'Action: failed', 'Status: 5.1.1', '--DSN', 'Content-Type: text/rfc822-headers', '', 'From: apipartners@partners.example', 'Message-ID: <cs-outgoing-1@partners.example>', 'Subject: Received', '--DSN--', ''].join('\n'),
      ),
    );
  }
  const signature = c.style === 'iphone' ? '\n\nSent from my iPhone' : '';
  const text = c.text + signature;
  const mail = { from, to: TO, subject: c.subject, date: DATE, headers, messageId, text };
  if (c.style === 'outlook') Object.assign(mail, { html: outlookHtml(c.text), text: `${c.text}\n\nFrom: API Partners <apipartners@partners.example>\nSent: Friday, November 20, 2026 4:12 PM\nTo: Practice Manager\nSubject: Next steps\n\nPlease confirm the next step for your practice.` });
  if (c.style === 'gmail') Object.assign(mail, { html: gmailHtml(c.text), text: `${c.text}\n\nOn Fri, Nov 20, 2026 at 4:12 PM API Partners <apipartners@partners.example> wrote:\n> Do not approve until you have reviewed the test plan.` });
  if (c.style === 'base64') Object.assign(mail, { textEncoding: 'base64' });
  if (c.style === 'qp') Object.assign(mail, { textEncoding: 'quoted-printable', text: `${text}\n\n${'—'.repeat(3)} Über die Praxis: naïve café résumé ${'='.repeat(5)}` });
  const raw = await new MailComposer(mail).compile().build();
  return Buffer.concat([Buffer.from(top.join('\r\n') + '\r\n'), raw]);
}

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
const labels = ['file\tdecision\tintent\tapp'];
for (const c of cases) {
  writeFileSync(path.join(OUT, `${c.name}.eml`), await render(c));
  labels.push(`${c.name}.eml\t${c.expect.decision}\t${c.expect.intent}\t${c.expect.app}`);
}
writeFileSync(path.join(OUT, 'LABELS.tsv'), `${labels.join('\n')}\n`);
console.log(`${cases.length} fixtures written to ${path.relative(process.cwd(), OUT)}`);
