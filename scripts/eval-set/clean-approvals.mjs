// Clean in-stage approvals (category clean_approval, action apply): every phrasing from
// clean-phrasings.mjs, each from an approver of a client at the right stage, one app named,
// authenticated, laid out by one of the mail-program formats.
import { APPS, CLIENTS, inStageApps } from './world.mjs';
import { APP_FORMS, fillClose, pick, pickIndex, quoteFor, replySubject, signature, slots } from './common.mjs';
import { FORMAT_NAMES } from './mail-clients.mjs';
import { DE, EN, ES, FILL, FR } from './clean-phrasings.mjs';

/** Subjects of a new (not reply) mail, in the writer's language. */
const NEW_SUBJECT = {
  en: { beta_consent: 'beta', production_approval: 'production', ga_signoff: 'sign-off' },
  es: { beta_consent: 'sitio Beta', production_approval: 'producción', ga_signoff: 'conformidad' },
  fr: { beta_consent: 'site bêta', production_approval: 'mise en production', ga_signoff: 'validation' },
  de: { beta_consent: 'Beta-Standort', production_approval: 'Freigabe Produktion', ga_signoff: 'Abnahme' },
};
const BY_LANG = { en: EN, es: ES, fr: FR, de: DE };
const STEP_SHORT = { beta_consent: 'beta', production_approval: 'prod', ga_signoff: 'ga' };
/** English phrasings are each used twice (two clients); the others once. */
const USES = { en: 2, es: 1, fr: 1, de: 1 };

function pairs(lang, step) {
  return Object.keys(CLIENTS)
    .filter((c) => CLIENTS[c].lang === lang)
    .flatMap((c) => inStageApps(c, step).map((app) => ({ client: c, app })));
}

export function cleanApprovals() {
  const cases = [];
  const seen = new Set();
  let n = 0;
  for (const lang of ['en', 'es', 'fr', 'de']) {
    const fill = FILL[lang];
    for (const step of ['production_approval', 'beta_consent', 'ga_signoff']) {
      const pool = pairs(lang, step);
      BY_LANG[lang][step].forEach((phrase, i) => {
        for (let k = 0; k < USES[lang]; k++) {
          const j = i * USES[lang] + k;
          const { client, app } = pool[j % pool.length];
          const name = `clean-${STEP_SHORT[step]}-${client}-${lang}-${String(i + 1).padStart(2, '0')}${USES[lang] > 1 ? 'abc'[k] : ''}`;
          const people = CLIENTS[client].people;
          const p = people[pickIndex(`${name}/who`, people.length)];
          // The same phrasing for another client may name the same app: then name it another way.
          let f = lang === 'en' ? j : j * 5;
          let form = APP_FORMS[f % APP_FORMS.length];
          let core = phrase(slots(client, app, p, form, name));
          while (seen.has(core) && f < j * 5 + APP_FORMS.length) {
            form = APP_FORMS[++f % APP_FORMS.length];
            core = phrase(slots(client, app, p, form, name));
          }
          if (seen.has(core)) throw new Error(`two clean approvals share a sentence: ${core}`);
          seen.add(core);
          // Spread the formats evenly; ISO-8859-1 only where the words fit in Latin-1.
          let format = FORMAT_NAMES[(n * 7 + (lang === 'en' ? 0 : 3)) % FORMAT_NAMES.length];
          if (format === 'latin1_qp' && lang === 'en' && n % 2 === 0) format = 'text_qp';
          n++;
          const chatty = lang === 'en' && pickIndex(`${name}/chat`, 5) === 0;
          // A terse one-liner ("… approved for prod. – Dana") is the whole mail.
          const terse = /– \S+$/.test(core);
          const body = terse ? core : [
            pick(`${name}/greet`, fill.greet),
            pick(`${name}/pre`, fill.pre),
            chatty ? pick(`${name}/chatline`, fill.chat) : '',
            core,
            pick(`${name}/post`, fill.post),
            fillClose(pick(`${name}/close`, fill.close), p),
          ].filter(Boolean).join('\n\n');
          const replying = format === 'bottom_posted' || pickIndex(`${name}/reply`, 3) !== 0;
          cases.push({
            name,
            category: 'clean_approval',
            action: 'apply',
            intent: step,
            app,
            client,
            note: `${lang} ${format} app-as-${form}${chatty ? ' chatty' : ''}`,
            from: p,
            subject: replying ? replySubject(step, app, lang) : `${APPS[app].name} – ${NEW_SUBJECT[lang][step]}`,
            format,
            letter: {
              body,
              sig: pickIndex(`${name}/hassig`, 3) !== 0 ? signature(client, p, name) : undefined,
              disclaimer: pickIndex(`${name}/disc`, 4) === 0 ? pick(`${name}/disctext`, fill.disclaimer) : undefined,
              quoteOf: replying ? (date) => quoteFor(step, client, app, p, date) : undefined,
            },
          });
        }
      });
    }
  }
  return cases;
}
