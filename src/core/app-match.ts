import { distance } from 'fastest-levenshtein';

/** An app as the decision knows it. */
export interface AppRef {
  id: string;
  name: string;
  aliases: readonly string[];
}

export type AppMatch =
  | { kind: 'named'; app: string; as: string; fuzzy?: true }
  | { kind: 'ambiguous'; apps: string[] }
  | { kind: 'none' };

const norm = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
const tokens = (s: string) => s.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);

/**
 * Finds the apps named in a text, tolerant of case, spacing and punctuation ("AcmeSched",
 * "Acme Scheduler", "acme-scheduler"): a name matches a run of whole words whose letters and digits,
 * joined, equal the name's. A name inside a longer matched name (an app "Acme" and an app
 * "Acme Scheduler") counts only where the longer one does not.
 */
export function matchApps(text: string, apps: readonly AppRef[]): AppMatch {
  const words = tokens(text);
  const forms: { app: string; form: string; shown: string }[] = [];
  for (const a of apps) {
    for (const shown of [a.name, a.id, ...a.aliases]) {
      const form = norm(shown);
      if (form.length >= 3) forms.push({ app: a.id, form, shown });
    }
  }
  // Longest first, so that a longer name (even misspelt) claims its words before a shorter one can.
  forms.sort((x, y) => y.form.length - x.form.length);
  const claimed = new Array<boolean>(words.length).fill(false);
  const found = new Map<string, string>();
  const exact = new Set<string>();
  for (const f of forms) {
    for (let i = 0; i < words.length; i++) {
      if (claimed[i]) continue;
      let joined = '';
      for (let j = i; j < Math.min(words.length, i + 6); j++) {
        if (claimed[j]) break;
        joined += words[j];
        if (joined.length > f.form.length) break;
        if (joined === f.form) {
          for (let k = i; k <= j; k++) claimed[k] = true;
          if (!found.has(f.app)) found.set(f.app, f.shown);
          exact.add(f.app);
          break;
        }
        if (!f.form.startsWith(joined)) break;
      }
    }
    const misspelt = fuzzyRun(words, claimed, f.form);
    if (misspelt) {
      for (let k = misspelt[0]; k <= misspelt[1]; k++) claimed[k] = true;
      if (!found.has(f.app)) found.set(f.app, f.shown);
    }
  }
  if (found.size === 0) return { kind: 'none' };
  if (found.size > 1) return { kind: 'ambiguous', apps: [...found.keys()].sort() };
  const [[app, as]] = [...found.entries()] as [[string, string]];
  return exact.has(app) ? { kind: 'named', app, as } : { kind: 'named', app, as, fuzzy: true };
}

/** Words read for misspelt names: the subject and the start of the text are where people name the app. */
const FUZZY_WORDS = 2000;

/**
 * A name written with a small slip ("Acme Schedular", "Brightline Insigths"): the first run of up to
 * three unclaimed words within edit distance 1 of a name of 7–9 letters, 2 of a longer one. Short
 * names are never guessed. Bounded: only the first FUZZY_WORDS words, only runs of about the name's length.
 */
function fuzzyRun(words: readonly string[], claimed: readonly boolean[], form: string): [number, number] | null {
  if (form.length < 7) return null;
  const allowed = form.length >= 10 ? 2 : 1;
  const n = Math.min(words.length, FUZZY_WORDS);
  for (let i = 0; i < n; i++) {
    let joined = '';
    for (let j = i; j < Math.min(n, i + 3); j++) {
      if (claimed[j]) break;
      joined += words[j];
      if (joined.length > form.length + allowed) break;
      if (Math.abs(joined.length - form.length) <= allowed && joined !== form && distance(joined, form) <= allowed) return [i, j];
    }
  }
  return null;
}
