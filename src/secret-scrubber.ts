/**
 * Defence in depth for the rule "identifiers never appear in plain text": every string that leaves
 * the process through the logger or the CLI's error path is passed through `scrub`, which replaces
 * any registered secret (an environment identifier) with a fixed mask. Code should never log a
 * secret in the first place; this catches the mistake when it does.
 */
const secrets = new Set<string>();
/** Every form a secret is searched in: the secret itself and its JSON-escaped spellings. */
const forms = new Set<string>();
let pattern: RegExp | null = null;
/** Set when a secret was added: the pattern is rebuilt on the next scrub, not once per registration. */
let stale = false;

export const SECRET_MASK = '[REDACTED]';

/**
 * The spellings a secret takes in output: as written; as JSON.stringify escapes it (`"` → `\"`,
 * `\` → `\\`, control characters → `\uXXXX`, RFC 8259 §7); and with `/` written `\/`, which RFC 8259
 * allows and some encoders (PHP's, Jackson with a flag) emit. The registry restricts identifiers to
 * letters, digits and `-_.:/`, so only the last applies to new ones; older ones may hold more.
 */
function spellings(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  return [secret, json, json.replaceAll('/', '\\/')];
}

export function registerSecrets(values: Iterable<string>): void {
  for (const v of values) {
    // Very short values would mask ordinary words; registry validation requires at least 4 characters.
    if (v.length >= 4 && !secrets.has(v)) {
      secrets.add(v);
      for (const f of spellings(v)) forms.add(f);
      stale = true;
    }
  }
}

function currentPattern(): RegExp | null {
  if (stale) {
    // Longest first, so a secret that contains another is masked whole.
    const escaped = [...forms].sort((a, b) => b.length - a.length).map((s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
    pattern = new RegExp(escaped.join('|'), 'g');
    stale = false;
  }
  return pattern;
}

export function scrub(text: string): string {
  const p = currentPattern();
  return p ? text.replace(p, SECRET_MASK) : text;
}

/** For tests only: forget every registered secret. */
export function clearSecrets(): void {
  secrets.clear();
  forms.clear();
  pattern = null;
  stale = false;
}
