import type { EntityChange, FieldChange, KeySummary, RegistryDiff, SectionChanges } from './registry-diff.js';

/** Lines per section before the rest is summed up: a first import of thousands of clients stays readable. */
export const MAX_LINES_PER_SECTION = 50;

const SECRET_WORDS: Readonly<Record<string, string>> = {
  testEnvironmentIds: 'Test environment identifiers',
  productionEnvironmentIds: 'Production environment identifiers',
};

const keyWords = (k: KeySummary): string => `${k.fingerprint} (${k.expiresAt === null ? 'never expires' : `expires ${k.expiresAt.slice(0, 10)}`})`;
const value = (v: string | boolean): string => (typeof v === 'string' ? JSON.stringify(v) : String(v));

function fieldWords(name: string, c: FieldChange): string {
  if (c === 'changed') return `${SECRET_WORDS[name] ?? name} changed`;
  if ('added' in c) {
    return [c.added.length > 0 ? `${name} added ${c.added.join(', ')}` : '', c.removed.length > 0 ? `${name} removed ${c.removed.join(', ')}` : '']
      .filter(Boolean)
      .join('; ');
  }
  if (typeof c.to === 'object') {
    const from = c.from as KeySummary | null;
    return from === null ? `key ${keyWords(c.to)}` : `key ${keyWords(from)} → ${keyWords(c.to)}`;
  }
  const from = c.from as string | boolean | null;
  return from === null ? `${name} ${value(c.to)}` : `${name} ${value(from)} → ${value(c.to)}`;
}

const entityWords = (noun: string, e: EntityChange): string =>
  `${noun} ${e.id} ${e.change}: ${Object.entries(e.fields).map(([n, c]) => fieldWords(n, c)).join('; ')}`;

function capped(lines: string[], more: string): string[] {
  if (lines.length <= MAX_LINES_PER_SECTION) return lines;
  return [...lines.slice(0, MAX_LINES_PER_SECTION), `… and ${lines.length - MAX_LINES_PER_SECTION} more ${more}`];
}

/**
 * The diff in words, one line per changed entity, for a person reading `registry diff` or
 * `registry import`. `more` says where the lines left out can be read in full. `warnings: false`
 * leaves out stage differences and skipped entries, for a caller that prints those as warnings.
 */
export function describeRegistryDiff(diff: RegistryDiff, opts: { more: string; warnings: boolean }): string[] {
  const { more } = opts;
  const { changes } = diff;
  const lines: string[] = [];
  if (changes.staff.added.length > 0) lines.push(`staff added: ${changes.staff.added.join(', ')}`);
  if (changes.staff.removed.length > 0) lines.push(`staff removed (may no longer confirm flagged mail): ${changes.staff.removed.join(', ')}`);
  const sections: [string, SectionChanges][] = [
    ['client', changes.clients],
    ['partner', changes.partners],
    ['app', changes.apps],
  ];
  for (const [noun, s] of sections) lines.push(...capped(s.changes.map((e) => entityWords(noun, e)), `${noun}s changed (${more})`));
  lines.push(...capped(changes.integrations.added.map((i) => `integration ${i.app} at ${i.client} added at ${i.stage}`), `integrations added (${more})`));
  for (const d of opts.warnings ? diff.stageDifferences : []) {
    lines.push(`integration ${d.app} at ${d.client}: the file says ${d.inFile}, the log says ${d.recorded}; the recorded stage stands (stages change only through approvals)`);
  }
  for (const [noun, s] of sections) {
    if (s.notInFile.length === 0) continue;
    const shown = s.notInFile.slice(0, MAX_LINES_PER_SECTION).join(', ');
    const rest = s.notInFile.length - MAX_LINES_PER_SECTION;
    lines.push(`${noun}s not in the file (kept): ${shown}${rest > 0 ? ` … and ${rest} more (${more})` : ''}`);
  }
  for (const s of opts.warnings ? diff.skipped : []) lines.push(`skipped ${s.entry}: ${s.reason}`);
  return lines.length > 0 ? lines : ['No changes.'];
}
