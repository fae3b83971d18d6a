/** An app as the decision knows it. */
export interface AppRef {
  id: string;
  name: string;
  aliases: readonly string[];
}

export type AppMatch =
  | { kind: 'named'; app: string; as: string }
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
  // Longest first, so that a longer name claims its words before a shorter one can.
  forms.sort((x, y) => y.form.length - x.form.length);
  const claimed = new Array<boolean>(words.length).fill(false);
  const found = new Map<string, string>();
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
          break;
        }
        if (!f.form.startsWith(joined)) break;
      }
    }
  }
  if (found.size === 0) return { kind: 'none' };
  if (found.size > 1) return { kind: 'ambiguous', apps: [...found.keys()].sort() };
  const [[app, as]] = [...found.entries()] as [[string, string]];
  return { kind: 'named', app, as };
}
