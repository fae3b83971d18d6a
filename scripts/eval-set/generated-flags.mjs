// Combinatorial must-flag cases: an approval wording (the same kind as the clean ones) with one
// thing wrong – a hold, a condition, a question, a negation, the stage, the app, or the sender.
import { domainToASCII } from 'node:url';
import { APPS, CLIENTS, inStageApps } from './world.mjs';
import { FORMAT_NAMES } from './mail-clients.mjs';
import { EN } from './clean-phrasings.mjs';
import { APP_FORMS, fillClose, first, pick, pickIndex, quoteFor, replySubject, signature, slots } from './common.mjs';
import { FILL } from './clean-phrasings.mjs';

const PROD = 'production_approval';
const BETA = 'beta_consent';
const GA = 'ga_signoff';
const EN_CLIENTS = ['riverside', 'lakeside', 'hillcrest', 'northgate', 'willow'];

let fmtN = 0;
/** A whole mail around `core`, from `p` of `client`, laid out by a rotating mail-program format. */
function mail({ name, category, intent, app, client, core, p, note, from, auth, quoteStep, labelClient, ...rest }) {
  const person = p ?? CLIENTS[client].people[pickIndex(`${name}/who`, CLIENTS[client].people.length)];
  const format = FORMAT_NAMES[(fmtN++ * 5) % FORMAT_NAMES.length];
  const body = [pick(`${name}/greet`, FILL.en.greet), core, pick(`${name}/post`, FILL.en.post), fillClose(pick(`${name}/close`, FILL.en.close), person)].filter(Boolean).join('\n\n');
  const step = quoteStep ?? intent;
  const realApp = APPS[app] ? app : 'acme-scheduler';
  return {
    name, category, action: 'flag', intent, app: app && APPS[app] ? app : '', client: labelClient ?? client ?? '', note: `${format}${note ? ` ${note}` : ''}`,
    from: from ?? person, auth, subject: replySubject(step in { beta_consent: 1, production_approval: 1, ga_signoff: 1 } ? step : 'other', realApp),
    format,
    letter: { body, sig: pickIndex(`${name}/sig`, 2) ? signature(client ?? 'riverside', person, name) : undefined, quoteOf: client && pickIndex(`${name}/q`, 3) ? (date) => quoteFor(step, client, realApp, person, date) : undefined },
    ...rest,
  };
}

/** (client, app) pairs where `step` is in stage. */
const inStage = (step) => EN_CLIENTS.flatMap((c) => inStageApps(c, step).map((app) => ({ client: c, app })));
const phr = (step, i, client, app, p, seed) => EN[step][i % EN[step].length](slots(client, app, p, APP_FORMS[i % APP_FORMS.length], seed));

const HOLD_AFTER = [
  'However, please do not send anything to the developer until our board meets on Friday.',
  'That said, please hold off on sending the credentials until our security review is finished.',
  "But don't release anything to the vendor yet – our compliance officer wants one more look.",
  'Please wait for my confirmation before you send the identifiers.',
  "Hold the production keys for now, we'll tell you when.",
  "Actually, let's pause on this until after the holidays.",
  "We'd rather you not turn anything on before the 15th.",
  'Please do not act on this yet; legal still needs to review the contract.',
  'We need to hold off until IT finishes the firewall change next week.',
  "Don't send the identifiers to the developer until I call you.",
];
const CONDITIONAL = [
  (a) => `${a} is approved for production once our compliance review is complete.`,
  (a) => `Pending sign-off from our medical director, we approve ${a} for production.`,
  (a) => `As soon as training wraps up next week, you can consider ${a} approved for production.`,
  (a) => `Provided that the data-sharing addendum is countersigned, we approve ${a} for production.`,
  (a) => `After our board votes on Thursday we will approve ${a} for production.`,
  (a) => `We will approve ${a} for production if the interface passes our last round of testing.`,
  (a) => `Assuming legal signs off, ${a} is approved for production.`,
  (a) => `${a} is approved for production subject to our security team's review.`,
  (a) => `Contingent on the new server being in place, we approve ${a} for production.`,
  (a) => `We approve ${a} for production as long as audit logging is switched on first.`,
];
const QUESTIONS = [
  (a) => `Is ${a} approved for production now?`,
  (a) => `Do you need anything else from us before ${a} can be approved for production?`,
  (a) => `Can you remind me what we have to do to approve ${a} for production`,
  (a) => `I was wondering whether our approval of ${a} for production has already gone through`,
  (a) => `Who on our side needs to approve ${a} for production`,
  (a) => `Should we approve ${a} for production now or wait for the new version?`,
  (a) => `What happens after we approve ${a} for production?`,
  (a) => `Did Dr. Patel already approve ${a} for production?`,
  (a) => `Would it be OK if we approved ${a} for production next month instead?`,
];
const NEGATIONS = [
  (a) => `We are not approving ${a} for production yet.`,
  (a) => `We can't sign off on ${a} for production at this point.`,
  (a) => `${a} is not approved for production.`,
  (a) => `We do not approve moving ${a} to production.`,
  (a) => `No approval for ${a} from our side, sorry.`,
  (a) => `I'm not in a position to approve ${a} for production.`,
  (a) => `We won't be giving ${a} the green light for production this quarter.`,
  (a) => `Our practice does not yet approve ${a} for production.`,
  (a) => `We have decided against approving ${a} for production for now.`,
  (a) => `Neither Dr. Patel nor I have approved ${a} for production.`,
  (a) => `${a} isn't approved for production and won't be until the open issues are fixed.`,
];

function contentCases() {
  const out = [];
  const prod = inStage(PROD);
  HOLD_AFTER.forEach((hold, i) => {
    const { client, app } = prod[i % prod.length];
    const p = CLIENTS[client].people[i % CLIENTS[client].people.length];
    out.push(mail({ name: `gen-hold-${String(i + 1).padStart(2, '0')}-${client}`, category: 'hold_other_sentence', intent: PROD, app, client, p, core: `${phr(PROD, i * 3, client, app, p, `hold${i}`)} ${hold}` }));
  });
  const sets = [['conditional', CONDITIONAL, 'cond'], ['question', QUESTIONS, 'question'], ['negation', NEGATIONS, 'neg']];
  for (const [category, list, short] of sets) {
    list.forEach((t, i) => {
      const { client, app } = prod[(i + 2) % prod.length];
      const p = CLIENTS[client].people[(i + 1) % CLIENTS[client].people.length];
      out.push(mail({ name: `gen-${short}-${String(i + 1).padStart(2, '0')}-${client}`, category, intent: PROD, app, client, p, core: t(APPS[app][i % 3 === 1 ? 'alias' : 'name']) }));
    });
  }
  return out;
}

/** Steps the stage does not allow: production before beta consent, beta consent twice, GA too early, anything after withdrawal. */
function stageCases() {
  const out = [];
  const wrong = [];
  for (const c of EN_CLIENTS) for (const [app, stage] of Object.entries(CLIENTS[c].stages)) {
    if (app === 'acme-notes') continue;
    if (stage === 'pending') wrong.push({ client: c, app, step: PROD, why: 'production approval while pending' }, { client: c, app, step: GA, why: 'GA sign-off while pending' });
    if (stage === 'beta_consented') wrong.push({ client: c, app, step: BETA, why: 'beta consent twice' }, { client: c, app, step: GA, why: 'GA sign-off before production' });
    if (stage === 'production_approved') wrong.push({ client: c, app, step: PROD, why: 'production approval twice' });
    if (stage === 'ga_signed_off' || stage === 'withdrawn') wrong.push({ client: c, app, step: PROD, why: `production approval at ${stage}` }, { client: c, app, step: GA, why: `GA sign-off at ${stage}` });
  }
  wrong.slice(0, 16).forEach((w, i) => {
    const p = CLIENTS[w.client].people[i % CLIENTS[w.client].people.length];
    out.push(mail({ name: `gen-stage-${String(i + 1).padStart(2, '0')}-${w.client}-${w.app}`, category: 'wrong_stage', intent: w.step, app: w.app, client: w.client, p, note: w.why, core: phr(w.step, i * 5 + 1, w.client, w.app, p, `stage${i}`) }));
  });
  return out;
}

function appCases() {
  const out = [];
  // Apps the client has no integration with, and apps the registry does not know.
  const foreign = [
    { client: 'riverside', app: 'careloop' }, { client: 'hillcrest', app: 'brightline-insights' }, { client: 'lakeside', app: 'tidewater-rx' },
    { client: 'willow', app: 'careloop' }, { client: 'northgate', app: 'tidewater-rx' },
  ];
  foreign.forEach((w, i) => {
    const p = CLIENTS[w.client].people[0];
    out.push(mail({ name: `gen-wrongapp-${String(i + 1).padStart(2, '0')}-${w.client}`, category: 'wrong_app', intent: PROD, app: w.app, client: w.client, p, note: 'no integration at this client', core: phr(PROD, i * 7 + 2, w.client, w.app, p, `wa${i}`) }));
  });
  for (const [i, name] of ['MediTrack Pro', 'Acme Billing Hub'].entries()) {
    const client = i ? 'hillcrest' : 'riverside';
    out.push(mail({ name: `gen-wrongapp-unknown-${i + 1}`, category: 'wrong_app', intent: PROD, app: '', client, note: 'app unknown to the registry', core: `We approve ${name} for production.` }));
  }
  const two = [
    ['riverside', 'acme-scheduler', 'tidewater-rx', (a, b) => `We approve ${a} and ${b} for production.`],
    ['lakeside', 'careloop', 'brightline-insights', (a, b) => `${a} is approved for production, and so is ${b}.`],
    ['hillcrest', 'careloop', 'acme-scheduler', (a, b) => `You have our approval to move ${a} into production; ${b} has been great too.`],
    ['northgate', 'brightline-insights', 'careloop', (a, b) => `Both ${a} and ${b} are approved for our production environment.`],
    ['willow', 'tidewater-rx', 'brightline-insights', (a, b) => `Consider this our go-ahead for ${a} in production (same for ${b}).`],
    ['riverside', 'brightline-insights', 'acme-scheduler', (a, b) => `We have an agreement with Brightline Analytics and Acme Health Apps allowing ${a} and ${b} to access our test database, and we consent to being a beta site for both.`],
  ];
  two.forEach(([client, a, b, t], i) => out.push(mail({ name: `gen-twoapps-${String(i + 1).padStart(2, '0')}-${client}`, category: 'two_apps', intent: i === 5 ? BETA : PROD, app: '', client, note: `${a} + ${b}`, core: t(APPS[a].name, APPS[b].name) })));
  const onePart = [
    (s) => `We have signed an agreement with ${s.partner} allowing ${s.app} to access our test database.`,
    (s) => `We consent to participating as a Beta site for ${s.app}.`,
    (s) => `Our contract with ${s.partner} now covers ${s.app} access to the test environment database.`,
    (s) => `Count us in as a beta site for ${s.app} – we're ready!`,
    (s) => `We're happy to be a beta site for ${s.app}; the agreement with ${s.partner} is still with our lawyer.`,
    (s) => `The agreement letting ${s.app} into our test database is signed. We still need to talk about whether we want to be a beta site.`,
    (s) => `We authorize ${s.app} to access our test database under our agreement with ${s.partner}.`,
    (s) => `Yes, we would like to be the Beta client for ${s.app}.`,
  ];
  const beta = inStage(BETA);
  onePart.forEach((t, i) => {
    const { client, app } = beta[i % beta.length];
    const p = CLIENTS[client].people[0];
    out.push(mail({ name: `gen-betahalf-${String(i + 1).padStart(2, '0')}-${client}`, category: 'beta_incomplete', intent: BETA, app, client, p, note: i % 2 ? 'beta site only' : 'agreement only', core: t(slots(client, app, p, 'name', `bh${i}`)) }));
  });
  // Readiness: Acme Notes lacks two of the four pre-beta conditions.
  [['riverside', 0], ['riverside', 1], ['praxis-see', 0], ['riverside', 3]].forEach(([client, who], i) => {
    const p = CLIENTS[client].people[who];
    const core = client === 'praxis-see'
      ? 'Wir haben mit Acme Health Apps eine Vereinbarung geschlossen, die Acme Notes den Zugriff auf unsere Testdatenbank erlaubt, und wir stimmen zu, als Beta-Standort teilzunehmen.'
      : phr(BETA, i * 4 + 1, client, 'acme-notes', p, `nr${i}`);
    out.push(mail({ name: `gen-notready-${i + 1}-${client}`, category: 'app_not_ready', intent: BETA, app: 'acme-notes', client, p, note: 'app readiness incomplete', core }));
  });
  return out;
}

/** An in-stage approval whose only fault is who sent it or how it was authenticated. */
function senderCases() {
  const out = [];
  const all = [...inStage(PROD).map((x) => ({ ...x, step: PROD })), ...inStage(GA).map((x) => ({ ...x, step: GA })), ...inStage(BETA).map((x) => ({ ...x, step: BETA }))];
  let k = 0;
  const add = (category, n, make) => {
    for (let i = 0; i < n; i++) {
      const t = all[(k++ * 3) % all.length];
      const p = CLIENTS[t.client].people[i % CLIENTS[t.client].people.length];
      const core = phr(t.step, k * 2 + i, t.client, t.app, p, `${category}${i}`);
      const { client: labelClient, ...m } = make(t, p, i);
      out.push(mail({ name: `gen-${category.replace(/_/g, '-')}-${String(i + 1).padStart(2, '0')}-${t.client}`, category, intent: t.step, app: t.app, client: t.client, labelClient, p, core, ...m }));
    }
  };
  // Listed approvers only: these people write from the right domain but are not on the list.
  const nonApprovers = [['lakeside', 'careloop', PROD], ['lakeside', 'acme-scheduler', BETA], ['northgate', 'brightline-insights', PROD], ['northgate', 'careloop', BETA], ['lakeside', 'brightline-insights', GA], ['northgate', 'brightline-insights', PROD]];
  nonApprovers.forEach(([client, app, step], i) => {
    const p = CLIENTS[client].nonApprovers[i % 2];
    out.push(mail({ name: `gen-not-approver-${String(i + 1).padStart(2, '0')}-${client}`, category: 'sender_not_approver', intent: step, app, client, p, note: `${p.address} is not a listed approver`, core: phr(step, i * 3 + 4, client, app, p, `na${i}`) }));
  });
  add('sender_unauthenticated', 6, (t, p, i) => [
    { auth: 'absent', note: 'no Authentication-Results' },
    { auth: 'none_results', note: 'dkim=none spf=softfail dmarc=none' },
    { auth: 'absent', extraTrace: [`Authentication-Results: mail.${CLIENTS[t.client].domain}; dkim=pass header.d=${CLIENTS[t.client].domain}; dmarc=pass header.from=${CLIENTS[t.client].domain}`], note: 'results only under a foreign authserv-id' },
    { auth: `mx.partners.example; dkim=pass header.d=sendgrid.net header.s=s1; spf=pass smtp.mailfrom=bounces+123@sendgrid.net; dmarc=none header.from=${CLIENTS[t.client].domain}`, note: 'DKIM by an unaligned domain only' },
    { auth: 'absent', extraTrace: [`Authentication-Results: mx.partners.example.evil.test; dkim=pass header.d=${CLIENTS[t.client].domain}; dmarc=pass header.from=${CLIENTS[t.client].domain}`], note: 'authserv-id that only starts like ours' },
    { auth: `mx.partners.example; dkim=temperror header.d=${CLIENTS[t.client].domain}; spf=temperror smtp.mailfrom=${p.address}; dmarc=temperror header.from=${CLIENTS[t.client].domain}`, note: 'temporary errors only' },
  ][i]);
  add('sender_dmarc_fail', 5, (t, p, i) => (i === 4
    ? { auth: `mx.partners.example; dkim=fail header.d=${CLIENTS[t.client].domain}; spf=pass smtp.mailfrom=${p.address}; dmarc=fail (p=NONE) header.from=${CLIENTS[t.client].domain}`, note: 'dmarc=fail with spf=pass' }
    : { auth: 'dmarc_fail', note: 'dmarc=fail' }));
  const look = ['riversidefm.co', 'riverside-fm.org', 'rlversidefm.org', 'lakesidepeds.com', domainToASCII('riversid\u0435fm.org'), 'hillcrestclinic.org.mx'];
  add('sender_lookalike', 6, (t, p, i) => {
    const d = look[i];
    return { from: { name: p.name, address: `${p.address.split('@')[0]}@${d}` }, client: '', note: `lookalike domain ${d}` };
  });
  const spoof = ['gmail.com', 'outlook.com', 'mailbox.org', 'proton.me', 'yahoo.com'];
  add('sender_display_spoof', 5, (t, p, i) => ({ from: { name: i % 2 ? `${p.address}` : `${p.name} <${p.address}>`, address: `${first(p).toLowerCase()}.${CLIENTS[t.client].short.toLowerCase().replace(/\W/g, '')}${i}@${spoof[i]}` }, client: '', note: 'display name holds the client address' }));
  add('personal_email', 5, (t, p, i) => ({ from: { name: p.name, address: `${first(p).toLowerCase()}${p.name.split(' ').pop().toLowerCase()}${70 + i}@${['gmail.com', 'yahoo.com', 'icloud.com', 'outlook.com', 'aol.com'][i]}` }, client: '', note: 'writing from a personal mailbox' }));
  return out;
}

export const generatedFlags = () => [...contentCases(), ...stageCases(), ...appCases(), ...senderCases()];
