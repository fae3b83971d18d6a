// Small shared helpers: deterministic choice by hash, people, the team's earlier mail that replies
// quote, subjects and signatures.
import { createHash } from 'node:crypto';
import { APPS, CLIENTS, TEAM, partnerOf } from './world.mjs';

export const sha = (s) => createHash('sha256').update(s).digest('hex');
/** A number in [0, n) fixed by the seed: the set is the same on every run. */
export const pickIndex = (seed, n) => parseInt(sha(seed).slice(0, 8), 16) % n;
export const pick = (seed, list) => list[pickIndex(seed, list.length)];

export const first = (p) => p.name.replace(/^(Dr\.?|Prof\.) /, '').split(' ')[0];
export const person = (clientId, i = 0) => CLIENTS[clientId].people[i % CLIENTS[clientId].people.length];
export const teamPerson = { name: TEAM.name, address: TEAM.address };

export const APP_FORMS = ['name', 'name', 'alias', 'name', 'lower', 'name', 'misspelt', 'id', 'name', 'partnerName', 'alias', 'name'];
export function appRef(appId, form) {
  const a = APPS[appId];
  switch (form) {
    case 'alias': return a.alias;
    case 'lower': return a.lower;
    case 'misspelt': return a.misspelt;
    case 'id': return appId;
    case 'partnerName': return `the ${partnerOf(appId).name} ${a.name} app`;
    default: return a.name;
  }
}

const EHRS = ['NextGen', 'NextGen Enterprise', 'EHR', 'NextGen EHR'];
export const slots = (clientId, appId, p, form, seed) => ({
  app: appRef(appId, form),
  client: CLIENTS[clientId].name,
  partner: partnerOf(appId).name,
  ehr: pick(`${seed}/ehr`, EHRS),
  first: first(p),
});

/** What the team wrote first: a reply quotes this (it holds approval words and questions on purpose). */
export function teamMail(step, clientId, appId, p) {
  const app = APPS[appId].name;
  const partner = partnerOf(appId).name;
  const client = CLIENTS[clientId].name;
  switch (step) {
    case 'beta_consent':
      return `Hello ${first(p)},\n\n${partner} has asked to beta-test ${app} at ${client}. Before we can send them the test identifiers we need two confirmations directly from you:\n\n1. that you have an agreement with ${partner} allowing ${app} to access your test database, and\n2. that you consent to and are ready for participating as a Beta site.\n\nRegards,\nAPI Partners`;
    case 'production_approval':
      return `Hi ${first(p)},\n\n${partner} let us know that beta testing of ${app} at ${client} is complete. When you are ready, could you reply to confirm that you approve ${app} for your production environment? Once we receive it we will send ${partner} the production identifiers by encrypted email.\n\nThank you,\nAPI Partners team`;
    case 'ga_signoff':
      return `Hi ${first(p)},\n\nNow that ${app} has been live in production at ${client} for a while, could you let us know whether it is working as designed to your satisfaction? Your sign-off lets us release it from Beta.\n\nBest,\nAPI Partners`;
    default:
      return `Hi ${first(p)},\n\nJust checking in on ${app}. Anything we can help with?\n\nAPI Partners`;
  }
}

const SUBJECT_TOPIC = {
  beta_consent: (a) => `Beta site request: ${a}`,
  production_approval: (a) => `Production approval needed – ${a}`,
  ga_signoff: (a) => `${a} beta sign-off`,
  other: (a) => `${a}`,
};
const REPLY_PREFIX = { en: 'RE: ', es: 'RE: ', fr: 'RE : ', de: 'AW: ', it: 'R: ', nl: 'Re: ', pt: 'RE: ', pl: 'Odp: ' };
export const replySubject = (step, appId, lang = 'en') => `${REPLY_PREFIX[lang] ?? 'Re: '}${(SUBJECT_TOPIC[step] ?? SUBJECT_TOPIC.other)(APPS[appId].name)}`;

export function quoteFor(step, clientId, appId, p, date) {
  return { from: teamPerson, to: p, date: new Date(date.getTime() - 26 * 3600_000), subject: replySubject(step, appId).replace(/^RE: /, ''), body: teamMail(step, clientId, appId, p) };
}

export function signature(clientId, p, seed) {
  const c = CLIENTS[clientId];
  const phone = `(555) 01${pickIndex(`${seed}/ph`, 10)}-${String(1000 + pickIndex(`${seed}/ph2`, 9000))}`;
  return pick(`${seed}/sigstyle`, [
    [p.name, p.role, c.name, phone],
    [p.name, `${p.role} | ${c.name}`],
    [`${p.name} | ${p.role}`, c.name, `T ${phone} | ${c.domain}`],
    [p.name],
    [`${first(p)} ${p.name.split(' ').pop()[0]}.`, c.short],
  ]);
}

export const fillClose = (tpl, p) => tpl.replace('{first}', first(p)).replace('{name}', p.name).replace('{initial}', first(p)[0]);
