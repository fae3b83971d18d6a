/**
 * Defence in depth for the rule "identifiers never appear in plain text": every string that leaves
 * the process through the logger or the CLI's error path is passed through `scrub`, which replaces
 * any registered secret (an environment identifier) with a fixed mask. Code should never log a
 * secret in the first place; this catches the mistake when it does.
 */
const secrets = new Set<string>();
let pattern: RegExp | null = null;

export const SECRET_MASK = '[REDACTED]';

export function registerSecrets(values: Iterable<string>): void {
  let changed = false;
  for (const v of values) {
    // Very short values would mask ordinary words; registry validation requires at least 4 characters.
    if (v.length >= 4 && !secrets.has(v)) {
      secrets.add(v);
      changed = true;
    }
  }
  if (changed) {
    const escaped = [...secrets].sort((a, b) => b.length - a.length).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    pattern = new RegExp(escaped.join('|'), 'g');
  }
}

export function scrub(text: string): string {
  return pattern ? text.replace(pattern, SECRET_MASK) : text;
}

/** For tests only: forget every registered secret. */
export function clearSecrets(): void {
  secrets.clear();
  pattern = null;
}
