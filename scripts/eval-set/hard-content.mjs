// Hand-written hard cases about what the mail says (each one written individually): holds,
// conditions, questions, negations, sarcasm, other languages, hidden HTML, disagreeing parts,
// invitations, attachments, quoted history, separators, homoglyphs and zero-width characters.
import { person as P, quoteFor, replySubject, teamPerson } from './common.mjs';

const f = (o) => ({ action: 'flag', ...o });
const q = (step, client, app, i = 0) => (date) => quoteFor(step, client, app, P(client, i), date);
/** A reply laid out by a mail program, quoting the team's request for `step`. */
const reply = (o) => f({ from: P(o.client, o.who ?? 0), subject: replySubject(o.step ?? o.intent, o.app ?? 'acme-scheduler', o.lang), format: o.format ?? 'gmail', letter: { body: o.body, sig: o.sig, disclaimer: o.disclaimer, quoteOf: o.noQuote ? undefined : q(o.step ?? o.intent, o.client, o.app ?? 'acme-scheduler', o.who ?? 0) }, ...o });

const PROD = 'production_approval';
const BETA = 'beta_consent';
const GA = 'ga_signoff';

export const HOLDS = [
  reply({ name: 'hold-board-friday', category: 'hold_other_sentence', intent: PROD, app: 'acme-scheduler', client: 'riverside', format: 'outlook_desktop', body: 'Hi team,\n\nApproved for production. However, please do not send anything until our board meets on Friday.\n\nThanks,\nDana' }),
  reply({ name: 'hold-baa-review', category: 'hold_other_sentence', intent: PROD, app: 'careloop', client: 'hillcrest', body: 'Hi,\n\nCareLoop Messenger is approved for production from our side.\n\nOne thing though: our compliance officer asked that nothing go to CareLoop Inc. before she has reviewed their BAA, which should be next week. I will confirm when she is done.\n\nThanks,\nTom' }),
  reply({ name: 'hold-holidays-iphone', category: 'hold_other_sentence', intent: PROD, app: 'tidewater-rx', client: 'willow', format: 'iphone', body: 'RxSync approved for prod!! Just dont flip the switch before Jan 5th, we are short staffed over the holidays' }),
  reply({ name: 'hold-pen-test', category: 'hold_other_sentence', intent: PROD, app: 'brightline-insights', client: 'northgate', format: 'outlook_mobile', body: 'We approve Brightline Insights for production.\n\nPlease keep the production credentials on hold for now – our security team is still finishing the penetration test.\n\nRachel' }),
  reply({ name: 'hold-beta-wait-signature', category: 'hold_other_sentence', intent: BETA, app: 'acme-scheduler', client: 'lakeside', format: 'apple_mail', body: 'Hello,\n\nWe have an agreement with Acme Health Apps allowing Acme Scheduler to access our test database, and we consent to being a beta site.\n\nThat said, our IT contractor is rebuilding the test server this week, so please wait for my go before you hand out the test identifiers.\n\nPat' }),
];

export const CONDITIONS = [
  reply({ name: 'cond-once-training', category: 'conditional', intent: PROD, app: 'acme-scheduler', client: 'riverside', who: 1, format: 'outlook_desktop', body: 'Hello,\n\nAcme Scheduler is approved for production once our staff training wraps up on the 12th.\n\nMarcus Bell\nIT Director' }),
  reply({ name: 'cond-provided-spanish-templates', category: 'conditional', intent: PROD, app: 'careloop', client: 'lakeside', format: 'gmail', body: 'Hi all,\n\nWe approve CareLoop for production, provided that the reminder templates are available in Spanish before go-live.\n\nDr. Ortiz' }),
  reply({ name: 'cond-ga-after-month-end', category: 'conditional', intent: GA, app: 'acme-scheduler', client: 'hillcrest', format: 'samsung', body: 'We will be happy to sign off on Acme Scheduler after month-end close, when billing has confirmed the appointment exports match.' }),
];

export const QUESTIONS = [
  reply({ name: 'question-approved-now-no-mark', category: 'question', intent: PROD, app: 'acme-scheduler', client: 'riverside', who: 3, body: 'Hi,\n\nIs Acme Scheduler approved for production now or do you still need something from us\n\nPriya' }),
  reply({ name: 'question-did-marcus-send', category: 'question', intent: PROD, app: 'acme-scheduler', client: 'riverside', body: 'Quick q – did Marcus already send you our production approval for Acme Scheduler? If not, tell me exactly what you need from me and I will write it today.\n\nDana' }),
  reply({ name: 'question-before-review', category: 'question', intent: PROD, app: 'brightline-insights', client: 'northgate', who: 1, format: 'outlook_desktop', body: 'Can we approve BL Insights for production before the beta review meeting, or does that have to happen first?\n\nSam' }),
  reply({ name: 'question-i-wonder-beta', category: 'question', intent: BETA, app: 'tidewater-rx', client: 'hillcrest', body: 'Hi,\n\nI wonder whether our existing agreement with Tidewater Labs already covers test database access for RxSync, and whether being a beta site means extra work for the front desk. Let me know.\n\nGrace' }),
];

export const NEGATIONS = [
  reply({ name: 'neg-not-approving-yet', category: 'negation', intent: PROD, app: 'acme-scheduler', client: 'riverside', format: 'apple_mail', body: 'Hi,\n\nWe are not approving Acme Scheduler for production yet; there are still four open tickets from the beta.\n\nDana' }),
  reply({ name: 'neg-cant-sign-off', category: 'negation', intent: GA, app: 'tidewater-rx', client: 'riverside', who: 2, format: 'outlook_desktop', body: 'Sorry, we can\'t sign off on Tidewater RxSync – refill requests are still landing in the wrong queue.\n\nHelen' }),
  reply({ name: 'neg-nobody-approved', category: 'negation', intent: PROD, app: 'careloop', client: 'hillcrest', body: 'To be clear, nobody here has approved CareLoop Messenger for production. The message you got from the vendor was premature.\n\nTom Alvarez' }),
];

export const SARCASM = [
  reply({ name: 'sarcasm-double-booking', category: 'sarcasm_hold', intent: PROD, app: 'acme-scheduler', client: 'riverside', who: 1, body: 'Oh sure, Acme Scheduler is "approved for production" – right after it stops double-booking every patient we have. Please don\'t send anything.\n\nMarcus' }),
  reply({ name: 'sarcasm-approved-not', category: 'sarcasm_hold', intent: PROD, app: 'careloop', client: 'lakeside', who: 1, format: 'iphone', body: 'Approved for production... NOT. Hold everything on CareLoop until we have talked.' }),
  reply({ name: 'sarcasm-crashes', category: 'sarcasm_hold', intent: PROD, app: 'tidewater-rx', client: 'willow', who: 1, format: 'outlook_mobile', body: 'Yeah, RxSync is totally approved for production, as long as nobody minds the pharmacy queue crashing twice a day. Please do not send the credentials.\n\nBob' }),
  reply({ name: 'sarcasm-ha', category: 'sarcasm_hold', intent: GA, app: 'brightline-insights', client: 'willow', body: 'Sign off on Brightline Insights? Ha. Great product, works exactly as designed, if the design was to show last month\'s numbers. Hold off please.\n\nJenna' }),
];

export const FOREIGN_NEGATION = [
  reply({ name: 'de-noch-nicht-approved', category: 'foreign_negation', intent: PROD, app: 'tidewater-rx', client: 'praxis-see', lang: 'de', format: 'outlook_desktop', body: 'Hallo,\n\nTidewater RxSync ist noch nicht approved for production – bitte noch keine Zugangsdaten senden.\n\nViele Grüße\nKatrin Vogel' }),
  reply({ name: 'de-aber-erst-nach', category: 'foreign_negation', intent: PROD, app: 'tidewater-rx', client: 'praxis-see', who: 1, lang: 'de', body: 'RxSync: approved for production, aber bitte erst nach unserer Gesellschafterversammlung am Donnerstag etwas an den Hersteller schicken.\n\nGruß\nStefan' }),
  reply({ name: 'de-nicht-signed-off', category: 'foreign_negation', intent: GA, app: 'careloop', client: 'praxis-see', lang: 'de', format: 'apple_mail', body: 'Guten Tag,\n\nwir haben CareLoop Messenger nicht signed off. Die Nachrichtenvorlagen funktionieren noch nicht wie vorgesehen.\n\nMit freundlichen Grüßen\nDr. Katrin Vogel' }),
  reply({ name: 'fr-pas-encore-approved', category: 'foreign_negation', intent: PROD, app: 'brightline-insights', client: 'lumiere', lang: 'fr', body: 'Bonjour,\n\nBrightline Insights : pas encore approved for production, merci de ne rien envoyer à l\'éditeur pour l\'instant.\n\nCordialement,\nSophie Marchand' }),
  reply({ name: 'fr-beta-consent-pas-signe', category: 'foreign_negation', intent: BETA, app: 'careloop', client: 'lumiere', who: 1, lang: 'fr', format: 'outlook_desktop', body: 'Bonjour,\n\nNous n\'avons pas encore signé le beta consent pour CareLoop Messenger ; notre avocat relit toujours l\'accord avec CareLoop Inc.\n\nDr Julien Roux' }),
  reply({ name: 'es-todavia-no', category: 'foreign_negation', intent: PROD, app: 'acme-scheduler', client: 'clinica-sol', lang: 'es', format: 'iphone', body: '¿Acme Scheduler approved for production? Todavía no, por favor no envíen nada hasta nuevo aviso.' }),
  reply({ name: 'es-aun-no-production-approval', category: 'foreign_negation', intent: PROD, app: 'acme-scheduler', client: 'clinica-sol', who: 1, lang: 'es', body: 'Hola,\n\nAún no damos el production approval para Acme Scheduler: el módulo de recordatorios sigue fallando.\n\nDr. Andrés Fuentes' }),
  reply({ name: 'es-approved-pero-esperen', category: 'foreign_negation', intent: GA, app: 'tidewater-rx', client: 'clinica-sol', lang: 'es', format: 'samsung', body: 'Tidewater RxSync works as designed, sí, pero esperen a que el director firme antes de registrar el sign-off.' }),
];

export const OTHER_LANGUAGES = [
  reply({ name: 'it-approviamo-produzione', category: 'other_language', intent: PROD, app: 'acme-scheduler', client: 'aurora', lang: 'it', format: 'outlook_desktop', body: 'Buongiorno,\n\ncon la presente approviamo Acme Scheduler per l\'ambiente di produzione.\n\nCordiali saluti,\nGiulia Conti' }),
  reply({ name: 'it-via-libera', category: 'other_language', intent: PROD, app: 'acme-scheduler', client: 'aurora', lang: 'it', format: 'iphone', body: 'Via libera per AcmeSched in produzione. Grazie a tutti!' }),
  reply({ name: 'it-consenso-beta', category: 'other_language', intent: BETA, app: 'careloop', client: 'aurora', lang: 'it', body: 'Salve,\n\nabbiamo firmato un accordo con CareLoop Inc. che consente a CareLoop Messenger di accedere al nostro database di test, e acconsentiamo a partecipare come sito Beta.\n\nGiulia' }),
  reply({ name: 'nl-goedgekeurd-productie', category: 'other_language', intent: PROD, app: 'brightline-insights', client: 'delinde', lang: 'nl', format: 'outlook_mobile', body: 'Beste,\n\nWij keuren Brightline Insights goed voor de productieomgeving.\n\nMet vriendelijke groet,\nSanne de Vries' }),
  reply({ name: 'nl-akkoord', category: 'other_language', intent: PROD, app: 'brightline-insights', client: 'delinde', lang: 'nl', format: 'gmail', body: 'Hoi,\n\nAkkoord voor productie wat ons betreft, BL Insights mag live.\n\nGroet,\nSanne' }),
  reply({ name: 'nl-beta-toestemming', category: 'other_language', intent: BETA, app: 'acme-scheduler', client: 'delinde', lang: 'nl', format: 'apple_mail', body: 'Goedemiddag,\n\nWe hebben een overeenkomst met Acme Health Apps waarmee Acme Scheduler toegang krijgt tot onze testdatabase, en we geven toestemming om als bètalocatie deel te nemen.\n\nSanne de Vries' }),
  reply({ name: 'pt-aprovamos-producao', category: 'other_language', intent: PROD, app: 'careloop', client: 'boavista', lang: 'pt', format: 'outlook_desktop', body: 'Bom dia,\n\nAprovamos o CareLoop Messenger para o ambiente de produção.\n\nCumprimentos,\nJoão Almeida' }),
  reply({ name: 'pt-autorizado', category: 'other_language', intent: PROD, app: 'careloop', client: 'boavista', lang: 'pt', format: 'samsung', body: 'Está autorizado: podem avançar com o CareLoop em produção.' }),
  reply({ name: 'pt-beta', category: 'other_language', intent: BETA, app: 'tidewater-rx', client: 'boavista', lang: 'pt', body: 'Olá,\n\nTemos um acordo com a Tidewater Labs que permite ao Tidewater RxSync aceder à nossa base de dados de teste, e aceitamos participar como site Beta.\n\nJoão' }),
  reply({ name: 'pl-zatwierdzamy', category: 'other_language', intent: PROD, app: 'tidewater-rx', client: 'zdrowie', lang: 'pl', format: 'outlook_desktop', body: 'Dzień dobry,\n\nZatwierdzamy Tidewater RxSync do środowiska produkcyjnego.\n\nZ poważaniem,\nAnna Nowak' }),
  reply({ name: 'pl-zgoda', category: 'other_language', intent: PROD, app: 'tidewater-rx', client: 'zdrowie', lang: 'pl', format: 'gmail', body: 'Witam,\n\nWyrażamy zgodę na uruchomienie RxSync na produkcji.\n\nPozdrawiam,\nAnna' }),
  reply({ name: 'pl-beta', category: 'other_language', intent: BETA, app: 'brightline-insights', client: 'zdrowie', lang: 'pl', format: 'iphone', body: 'Mamy umowę z Brightline Analytics, która pozwala Brightline Insights na dostęp do naszej testowej bazy danych, i zgadzamy się być ośrodkiem beta.' }),
];

export const MIXED_LANGUAGE = [
  reply({ name: 'mixed-it-en', category: 'mixed_language', intent: PROD, app: 'acme-scheduler', client: 'aurora', lang: 'it', body: 'Ciao team, per Acme Scheduler: approved for production, tutto ok da parte nostra.\n\nGiulia' }),
  reply({ name: 'mixed-nl-en', category: 'mixed_language', intent: PROD, app: 'brightline-insights', client: 'delinde', lang: 'nl', format: 'outlook_mobile', body: 'Hoi! Brightline Insights is approved voor productie, we zijn er klaar voor.\n\nSanne' }),
  reply({ name: 'mixed-pt-en', category: 'mixed_language', intent: BETA, app: 'tidewater-rx', client: 'boavista', lang: 'pt', body: 'Olá, we agree to be a beta site para o Tidewater RxSync e o acordo de acesso à base de teste já está assinado.\n\nJoão' }),
  reply({ name: 'mixed-pl-en', category: 'mixed_language', intent: PROD, app: 'tidewater-rx', client: 'zdrowie', lang: 'pl', format: 'samsung', body: 'RxSync – approved for production, dziękujemy za cierpliwość!' }),
  reply({ name: 'mixed-en-it-hold', category: 'mixed_language', intent: PROD, app: 'acme-scheduler', client: 'aurora', lang: 'it', format: 'apple_mail', body: 'Hello, Acme Scheduler is approved for production. Però aspettate il nostro ok finale prima di inviare qualsiasi cosa.\n\nGiulia' }),
  reply({ name: 'mixed-en-de-pending', category: 'mixed_language', intent: PROD, app: 'tidewater-rx', client: 'praxis-see', lang: 'de', body: 'Hi team, RxSync is approved for production, vorbehaltlich der Zustimmung unseres Datenschutzbeauftragten.\n\nStefan' }),
];

const htmlPage = (inner) => `<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body><div style="font-family:Calibri,Arial,sans-serif;font-size:11pt;color:#222">${inner}</div></body></html>`;
const hidden = (name, client, app, visible, trick, note) => f({ name, category: 'hidden_html', intent: 'other', app, client, note, from: P(client, 0), subject: replySubject(PROD, app), html: htmlPage(visible.replace('@@', trick)) });

export const HIDDEN_HTML = [
  hidden('hidden-display-none', 'riverside', 'acme-scheduler', '<p>Hi team,</p><p>Thanks for the update on Acme Scheduler.@@ We are still reviewing the beta results and will get back to you next week.</p><p>Dana</p>', '<span style="display:none">Acme Scheduler is approved for production.</span>', 'display:none'),
  hidden('hidden-visibility', 'hillcrest', 'careloop', '<p>Hello,</p><p>Got the documents for CareLoop Messenger, thank you.@@</p><p>Tom</p>', '<span style="visibility:hidden">We approve CareLoop Messenger for production.</span>', 'visibility:hidden'),
  hidden('hidden-white-on-white', 'willow', 'tidewater-rx', '<p style="background:#ffffff">Hi,</p><p style="background:#ffffff">Our pharmacist has a few more questions about RxSync; can we set up a call?@@</p><p>Jenna</p>', '<font color="#ffffff">Tidewater RxSync is approved for production, go ahead.</font>', 'white-on-white'),
  hidden('hidden-font-size-zero', 'northgate', 'brightline-insights', '<p>Hi,</p><p>We received the Brightline Insights release notes.<span style="font-size:0">@@</span> Our analyst will look at them on Monday.</p><p>Rachel</p>', 'You have our approval to move Brightline Insights to production.', 'font-size:0'),
  hidden('hidden-font-size-1px', 'riverside', 'acme-scheduler', '<p>Hello API team,</p><p>Forwarding this to Marcus for review.@@</p><p>Priya</p>', '<span style="font-size:1px;line-height:1px">Approved for prod – Acme Scheduler.</span>', 'font-size:1px'),
  hidden('hidden-opacity', 'lakeside', 'careloop', '<p>Hi,</p><p>Dr. Ortiz is out this week; I will make sure he sees your note about CareLoop.@@</p><p>Pat</p>', '<div style="opacity:0">CareLoop Messenger is approved for production.</div>', 'opacity:0'),
  hidden('hidden-offscreen', 'hillcrest', 'acme-scheduler', '<p>Hi team,</p><p>Quick note: the Acme Scheduler training deck looks good.@@</p><p>Grace</p>', '<div style="position:absolute;left:-9999px;top:-9999px">We sign off on Acme Scheduler: it works as designed to our satisfaction.</div>', 'off-screen position'),
  hidden('hidden-html-comment', 'willow', 'tidewater-rx', '<p>Hi,</p><p>Thanks, we will discuss Tidewater RxSync at the partners meeting.@@</p><p>Bob</p>', '<!-- RxSync approved for production -->', 'HTML comment'),
  hidden('hidden-zero-height', 'riverside', 'brightline-insights', '<p>Hello,</p><p>Our lawyer is reading the Brightline Analytics agreement this week.@@</p><p>Dana</p>', '<div style="max-height:0;overflow:hidden">We have an agreement with Brightline Analytics allowing Brightline Insights to access our test database, and we consent to being a Beta site.</div>', 'max-height:0 overflow:hidden'),
  hidden('hidden-color-transparent', 'northgate', 'careloop', '<p>Hi all,</p><p>Still waiting on our board for CareLoop.@@</p><p>Sam</p>', '<span style="color:transparent">We consent to be a beta site for CareLoop Messenger and our test database agreement with CareLoop Inc. is signed.</span>', 'color:transparent'),
  hidden('hidden-attribute', 'lakeside', 'acme-scheduler', '<p>Hello,</p><p>We are still comparing scheduling vendors; nothing decided on Acme Scheduler.@@</p><p>Pat</p>', '<span hidden>We consent to be a beta site for Acme Scheduler; our agreement with Acme Health Apps for test database access is signed.</span>', 'hidden attribute'),
];

const conflict = (name, client, app, intent, text, html, note) => f({ name, category: 'part_conflict', intent, app, client, note, from: P(client, 0), subject: replySubject(intent, app), text, html: htmlPage(html) });
export const PART_CONFLICTS = [
  conflict('conflict-text-approves-html-not', 'riverside', 'acme-scheduler', PROD, 'Hi,\n\nAcme Scheduler is approved for production.\n\nDana\n', '<p>Hi,</p><p>Riverside Family Medicine does not yet approve Acme Scheduler for production.</p><p>Dana</p>', 'text approves, HTML does not'),
  conflict('conflict-html-approves-text-not', 'hillcrest', 'careloop', PROD, 'Hello,\n\nWe do not approve CareLoop Messenger for production yet.\n\nTom\n', '<p>Hello,</p><p>We approve CareLoop Messenger for production.</p><p>Tom</p>', 'HTML approves, text does not'),
  conflict('conflict-text-hold-html-clean', 'willow', 'tidewater-rx', PROD, 'Hi,\n\nRxSync is approved for production, but please wait until Monday before sending anything.\n\nJenna\n', '<p>Hi,</p><p>RxSync is approved for production.</p><p>Jenna</p>', 'hold only in text'),
  conflict('conflict-beta-parts-split', 'northgate', 'careloop', BETA, 'Hi,\n\nWe have an agreement with CareLoop Inc. allowing CareLoop Messenger to access our test database.\n\nRachel\n', '<p>Hi,</p><p>We consent to being a beta site for CareLoop Messenger and are ready.</p><p>Rachel</p>', 'one beta part per alternative'),
  conflict('conflict-different-apps', 'lakeside', 'careloop', PROD, 'Hello,\n\nCareLoop Messenger is approved for production.\n\nPat\n', '<p>Hello,</p><p>Brightline Insights is approved for production.</p><p>Pat</p>', 'the parts name different apps'),
  conflict('conflict-ga-vs-issues', 'riverside', 'tidewater-rx', GA, 'Hi,\n\nTidewater RxSync works as designed to our satisfaction; we sign off.\n\nDana\n', '<p>Hi,</p><p>Tidewater RxSync still has issues with refill routing; we cannot sign off yet.</p><p>Dana</p>', 'GA sign-off vs refusal'),
];

const ics = (uid, summary, description, organizer) => `BEGIN:VCALENDAR\r\nPRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:${uid}\r\nDTSTAMP:20261120T150000Z\r\nDTSTART:20261203T160000Z\r\nDTEND:20261203T163000Z\r\nSUMMARY:${summary}\r\nDESCRIPTION:${description.replace(/\n/g, '\\n').replace(/,/g, '\\,')}\r\nORGANIZER;CN=${organizer.name}:mailto:${organizer.address}\r\nATTENDEE;RSVP=TRUE:mailto:apipartners@partners.example\r\nLOCATION:Microsoft Teams Meeting\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n`;
export const CALENDAR = [
  f({ name: 'invite-approve-acme', category: 'calendar_invite', intent: 'other', app: 'acme-scheduler', client: 'riverside', note: 'text/calendar alternative', from: P('riverside', 0), subject: 'Invitation: Acme Scheduler go/no-go @ Thu Dec 3, 2026 11am', text: 'Agenda:\n1. Approve Acme for production\n2. Training schedule\n3. Go-live date\n\nJoin Microsoft Teams Meeting\n', icalEvent: { method: 'REQUEST', content: ics('evt-1', 'Acme Scheduler go/no-go', 'Agenda:\n1. Approve Acme for production\n2. Training schedule', P('riverside', 0)) } }),
  f({ name: 'invite-ics-attachment', category: 'calendar_invite', intent: 'other', app: 'careloop', client: 'hillcrest', note: '.ics attachment', from: P('hillcrest', 0), subject: 'Meeting: CareLoop production sign-off', text: 'Hi, invite attached.\n\nTom\n', attachments: [{ filename: 'meeting.ics', contentType: 'text/calendar; method=REQUEST', content: ics('evt-2', 'CareLoop production sign-off', 'We approve CareLoop Messenger for production (decision to be taken in this meeting)', P('hillcrest', 0)) }] }),
  f({ name: 'invite-only-calendar', category: 'calendar_invite', intent: 'other', app: 'tidewater-rx', client: 'willow', note: 'calendar part only', from: P('willow', 0), subject: 'RxSync: approve for production', alternatives: [{ contentType: 'text/calendar; charset=utf-8; method=REQUEST', content: ics('evt-3', 'RxSync: approve for production', 'Approve Tidewater RxSync for production.', P('willow', 0)) }] }),
  f({ name: 'invite-beta-consent-agenda', category: 'calendar_invite', intent: 'other', app: 'brightline-insights', client: 'riverside', note: 'agenda lists beta consent', from: P('riverside', 1), subject: 'Updated invitation: Brightline beta kickoff', text: 'Agenda: confirm agreement with Brightline Analytics for test database access; consent to be a beta site.\n', icalEvent: { method: 'REQUEST', content: ics('evt-4', 'Brightline beta kickoff', 'Confirm agreement with Brightline Analytics for test database access\nConsent to be a beta site for Brightline Insights', P('riverside', 1)) } }),
  f({ name: 'invite-ga-signoff', category: 'calendar_invite', intent: 'other', app: 'acme-scheduler', client: 'hillcrest', note: 'GA sign-off in summary', from: P('hillcrest', 1), subject: 'Invitation: Sign off Acme Scheduler (works as designed?)', icalEvent: { method: 'REQUEST', content: ics('evt-5', 'Sign off Acme Scheduler', 'Sign-off: Acme Scheduler works as designed to our satisfaction', P('hillcrest', 1)) }, text: 'Please join.\n' }),
];

const PDF = (t) => `%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>endobj\n4 0 obj<</Length ${t.length + 30}>>stream\nBT /F1 12 Tf 72 720 Td (${t}) Tj ET\nendstream endobj\n5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n`;
const earlier = (from, subject, text) => `From: ${from.name} <${from.address}>\r\nTo: API Partners <apipartners@partners.example>\r\nSubject: ${subject}\r\nDate: Mon, 02 Nov 2026 10:00:00 -0500\r\nMessage-ID: <earlier-${subject.length}@example.org>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${text}\r\n`;
export const ATTACHMENTS = [
  f({ name: 'attach-letter-txt', category: 'attachment_only', intent: 'other', app: 'acme-scheduler', client: 'riverside', note: 'approval only in a .txt attachment', from: P('riverside', 0), subject: 'Acme Scheduler', text: 'Hi,\n\nPlease see attached.\n\nDana\n', attachments: [{ filename: 'approval-letter.txt', content: 'Riverside Family Medicine approves Acme Scheduler for production.\n' }] }),
  f({ name: 'attach-pdf', category: 'attachment_only', intent: 'other', app: 'careloop', client: 'hillcrest', note: 'approval only in a PDF', from: P('hillcrest', 0), subject: 'CareLoop letter', text: 'Signed letter attached.\n\nTom Alvarez\n', attachments: [{ filename: 'CareLoop_Production_Approval.pdf', contentType: 'application/pdf', content: PDF('Hillcrest Clinic approves CareLoop Messenger for production.') }] }),
  f({ name: 'attach-rfc822', category: 'attachment_only', intent: 'other', app: 'tidewater-rx', client: 'willow', note: 'approval inside an attached message', from: P('willow', 0), subject: 'FYI', text: 'See the attached message from Bob.\n', attachments: [{ filename: 'approval.eml', contentType: 'message/rfc822', content: earlier(P('willow', 1), 'RxSync', 'Tidewater RxSync is approved for production.\n\nBob') }] }),
  f({ name: 'attach-html-only-body-empty', category: 'attachment_only', intent: 'other', app: 'brightline-insights', client: 'northgate', note: 'empty body, approval in .html attachment', from: P('northgate', 0), subject: 'Brightline Insights', text: '\n', attachments: [{ filename: 'approval.html', contentType: 'text/html', content: '<p>Northgate Orthopedics approves Brightline Insights for production.</p>' }] }),
  f({ name: 'attach-beta-form-csv', category: 'attachment_only', intent: 'other', app: 'brightline-insights', client: 'riverside', note: 'beta consent in a CSV form', from: P('riverside', 1), subject: 'Beta form', text: 'Form attached as requested.\n\nMarcus\n', attachments: [{ filename: 'beta_form.csv', contentType: 'text/csv', content: 'question,answer\nAgreement with Brightline Analytics for test database access,Yes\nConsent to be a Beta site for Brightline Insights,Yes\n' }] }),
];

/** A reply whose own words approve nothing, quoting a colleague's approval from earlier in the thread. */
const colleagueQuote = (client, who, app, text, subject) => (date) => ({ from: P(client, who), to: teamPerson, date: new Date(date.getTime() - 3 * 86400_000), subject, body: text });
const quotedOnly = (name, client, app, format, body, quoted, note) => f({ name, category: 'quoted_only', intent: 'other', app, client, note, from: P(client, 0), subject: `RE: ${quoted.subject}`, format, letter: { body, quoteOf: colleagueQuote(client, 1, app, quoted.text, quoted.subject) } });
export const QUOTED_ONLY = [
  quotedOnly('quoted-approval-checking', 'riverside', 'acme-scheduler', 'gmail', 'Hi,\n\nThanks, I am checking with Dr. Patel and will get back to you.\n\nDana', { subject: 'Acme Scheduler', text: 'Acme Scheduler is approved for production.\n\nMarcus' }, 'gmail quote'),
  quotedOnly('quoted-approval-outlook', 'hillcrest', 'careloop', 'outlook_desktop', 'Please disregard Grace\'s note below for now, we need to discuss it internally first.\n\nTom', { subject: 'CareLoop production', text: 'We approve CareLoop Messenger for production.\n\nGrace' }, 'outlook From/Sent block'),
  quotedOnly('quoted-approval-apple', 'willow', 'tidewater-rx', 'apple_mail', 'Adding Bob – can you confirm this is what we agreed?\n\nJenna', { subject: 'RxSync go-live', text: 'RxSync is approved for production on our side.\n\nBob' }, 'apple blockquote'),
  quotedOnly('quoted-beta-samsung', 'northgate', 'careloop', 'samsung', 'I\'ll review on Monday.', { subject: 'CareLoop beta', text: 'We have an agreement with CareLoop Inc. for test database access and we consent to being a beta site.\n\nSam' }, 'samsung original message'),
  quotedOnly('quoted-ga-mobile', 'riverside', 'tidewater-rx', 'outlook_mobile', 'Not sure Marcus meant to send this to you. Let\'s talk tomorrow.\n\nDana', { subject: 'Tidewater RxSync sign-off', text: 'Tidewater RxSync works as designed to our satisfaction and we sign off.\n\nMarcus' }, 'outlook mobile'),
  quotedOnly('quoted-approval-text', 'lakeside', 'careloop', 'text_only', 'Thanks for the reminder. We will discuss it at Thursday\'s meeting.\n\nPat', { subject: 'CareLoop', text: 'CareLoop Messenger is approved for production.\n\nDr. Ortiz' }, '> quoting in text'),
];

const bottom = (name, client, app, intent, quoted, body, note) => f({ name, category: 'bottom_posted_hold', intent, app, client, note, from: P(client, 0), subject: replySubject(intent, app), text: `On 11/20/26 9:02 AM, ${P(client, 1).name} wrote:\n${quoted.split('\n').map((l) => `> ${l}`).join('\n')}\n\n${body}\n` });
export const BOTTOM_POSTED = [
  bottom('bottom-hold-off', 'riverside', 'acme-scheduler', PROD, 'Acme Scheduler is approved for production.\nMarcus', 'Please hold off for now.\n\nDana', 'hold below a quoted approval'),
  bottom('bottom-not-yet', 'hillcrest', 'careloop', PROD, 'CareLoop Messenger: approved for prod.', 'Grace sent this too early – we are not ready. Nothing should go out yet.\n\nTom', 'retraction below'),
  bottom('bottom-wait-legal', 'willow', 'tidewater-rx', PROD, 'We approve Tidewater RxSync for production.\n-- Bob', 'Wait for legal before acting on Bob\'s note above please.\nJenna', 'wait below'),
  bottom('bottom-beta-stop', 'northgate', 'careloop', BETA, 'We have the CareLoop Inc. agreement for test database access and consent to be a beta site.', 'Sam, we have not signed that agreement yet. API team: please ignore the above until I confirm.\n\nRachel', 'correction below'),
  bottom('bottom-ga-question', 'riverside', 'tidewater-rx', GA, 'Tidewater RxSync works as designed to our satisfaction, we sign off.', 'Are we sure? The refill queue issue came back yesterday.\n\nDana', 'question below'),
];

export const DISCLAIMER_HOLDS = [
  reply({ name: 'disclaimer-hold-hipaa-officer', category: 'hold_near_disclaimer', intent: PROD, app: 'acme-scheduler', client: 'riverside', format: 'outlook_desktop', body: 'Hi,\n\nAcme Scheduler is approved for production.\n\nPlease do not send the credentials yet – our HIPAA security officer has to finish her risk assessment first.\n\nDana' }),
  reply({ name: 'disclaimer-confidential-hold-paragraph', category: 'hold_near_disclaimer', intent: PROD, app: 'careloop', client: 'hillcrest', format: 'gmail', body: 'We approve CareLoop Messenger for production.\n\nCONFIDENTIAL – internal note: the privacy committee has asked that CareLoop not be enabled until their review is complete.\n\nTom' }),
  reply({ name: 'disclaimer-hold-inside-notice', category: 'hold_near_disclaimer', intent: PROD, app: 'tidewater-rx', client: 'willow', format: 'text_only', body: 'RxSync is approved for production.\n\nJenna Liu\nPractice Manager\n\nCONFIDENTIALITY NOTICE: This e-mail may contain PHI protected by HIPAA. Please note that we are still waiting for our board; do not act on the approval above until you hear from us again. If you are not the intended recipient, delete this message.' }),
  reply({ name: 'disclaimer-phi-hold', category: 'hold_near_disclaimer', intent: GA, app: 'brightline-insights', client: 'lakeside', format: 'apple_mail', body: 'Brightline Insights works as designed and we are satisfied.\n\nBecause a confidential PHI incident is under review, please do not record our sign-off until the investigation is closed.\n\nPat Morgan' }),
  reply({ name: 'disclaimer-hipaa-beta', category: 'hold_near_disclaimer', intent: BETA, app: 'tidewater-rx', client: 'hillcrest', who: 1, format: 'outlook_mobile', body: 'We have an agreement with Tidewater Labs allowing Tidewater RxSync to access our test database, and we consent to being a beta site.\n\nHIPAA note: our business associate agreement is still unsigned, so please hold the test identifiers until it is.\n\nGrace' }),
];

export const SEPARATOR_HOLDS = [
  reply({ name: 'sep-dashes-wait-monday', category: 'hold_after_separator', intent: PROD, app: 'acme-scheduler', client: 'riverside', format: 'text_only', body: 'Acme Scheduler is approved for production.\n\n-----\nPlease wait until Monday before sending anything.\n\nDana' }),
  reply({ name: 'sep-sig-dash-one-more-thing', category: 'hold_after_separator', intent: PROD, app: 'careloop', client: 'lakeside', format: 'text_only', body: 'CareLoop Messenger is approved for production.\n\n--\nOne more thing: don\'t send the identifiers yet, Dr. Ortiz wants to tell the partner himself.\n\nPat' }),
  reply({ name: 'sep-underscores-ps', category: 'hold_after_separator', intent: PROD, app: 'brightline-insights', client: 'northgate', format: 'gmail', body: 'Brightline Insights is approved for production.\n\nRachel\n\n__________\nPS: hold the production keys until our firewall change on the 9th.' }),
  reply({ name: 'sep-stars-beta', category: 'hold_after_separator', intent: BETA, app: 'acme-scheduler', client: 'willow', format: 'outlook_desktop', body: 'We have an agreement with Acme Health Apps allowing Acme Scheduler to access our test database, and we consent to being a beta site.\n\n***\nUpdate from Bob: please hold on this until the new server is up.\n\nJenna' }),
  reply({ name: 'sep-equals-ga', category: 'hold_after_separator', intent: GA, app: 'acme-scheduler', client: 'hillcrest', format: 'text_qp', body: 'Acme Scheduler works as designed to our satisfaction – we sign off.\n\n==========\nEdit: please do not record this yet, Grace found a reporting bug this morning.\n\nTom' }),
];

export const HOMOGLYPHS = [
  reply({ name: 'homoglyph-cyrillic-a-approved', category: 'homoglyph', intent: PROD, app: 'acme-scheduler', client: 'riverside', body: 'Acme Scheduler is \u0430pproved for production.\n\nDana', note: 'Cyrillic а in approved' }),
  reply({ name: 'homoglyph-cyrillic-o-production', category: 'homoglyph', intent: PROD, app: 'careloop', client: 'hillcrest', format: 'outlook_desktop', body: 'We approve CareLoop Messenger for pr\u043educti\u043en.\n\nTom', note: 'Cyrillic о in production' }),
  reply({ name: 'homoglyph-app-name', category: 'homoglyph', intent: PROD, app: 'tidewater-rx', client: 'willow', format: 'apple_mail', body: 'Tidew\u0430ter RxSync is approved for production.\n\nJenna', note: 'Cyrillic а in the app name' }),
  reply({ name: 'homoglyph-greek-o', category: 'homoglyph', intent: GA, app: 'brightline-insights', client: 'lakeside', body: 'Brightline Insights works as designed; we sign \u03bfff.\n\nPat', note: 'Greek ο in off' }),
  reply({ name: 'homoglyph-beta-consent', category: 'homoglyph', intent: BETA, app: 'brightline-insights', client: 'riverside', format: 'outlook_mobile', body: 'We h\u0430ve \u0430n \u0430greement with Brightline Analytics allowing Brightline Insights to access our test database, and we c\u043ensent to being a beta site.\n\nDana', note: 'several Cyrillic letters' }),
];

export const ZERO_WIDTH = [
  reply({ name: 'zw-approved', category: 'zero_width', intent: PROD, app: 'acme-scheduler', client: 'riverside', body: 'Acme Scheduler is appr\u200boved for production.\n\nDana', note: 'U+200B inside approved' }),
  reply({ name: 'zw-production', category: 'zero_width', intent: PROD, app: 'careloop', client: 'lakeside', format: 'outlook_desktop', body: 'We approve CareLoop Messenger for produc\u200dtion.\n\nPat', note: 'U+200D inside production' }),
  reply({ name: 'zw-not-hidden', category: 'zero_width', intent: PROD, app: 'brightline-insights', client: 'northgate', format: 'gmail', body: 'Brightline Insights is n\u200bo\u200bt approved for production.\n\nRachel', note: 'zero-width characters inside not' }),
  reply({ name: 'zw-signoff', category: 'zero_width', intent: GA, app: 'acme-scheduler', client: 'hillcrest', format: 'apple_mail', body: 'Acme Scheduler works as designed and we si\u2060gn o\u2060ff.\n\nTom', note: 'U+2060 word joiner' }),
];

export const HAND_CONTENT = [...HOLDS, ...CONDITIONS, ...QUESTIONS, ...NEGATIONS, ...SARCASM, ...FOREIGN_NEGATION, ...OTHER_LANGUAGES, ...MIXED_LANGUAGE, ...HIDDEN_HTML, ...PART_CONFLICTS, ...CALENDAR, ...ATTACHMENTS, ...QUOTED_ONLY, ...BOTTOM_POSTED, ...DISCLAIMER_HOLDS, ...SEPARATOR_HOLDS, ...HOMOGLYPHS, ...ZERO_WIDTH].map((c) => ({ hand: true, note: c.note ?? '', ...c }));
