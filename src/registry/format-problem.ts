/**
 * What kind of problem it is decides what an import may still do: `file` (cannot be read or parsed)
 * and `format`/`reference` (an entry to fix) stop the whole import; `key` (a partner key that cannot
 * be used) skips only that partner and what depends on it, unless the import is `--strict`.
 */
export type ProblemKind = 'file' | 'format' | 'reference' | 'key';

/** One thing wrong with a registry file, located precisely enough to fix it. */
export interface RegistryProblem {
  file: string;
  /** The entry, e.g. `clients[1] (riverside)`; empty for the file itself. */
  entry: string;
  /** The field inside the entry, e.g. `domains[0]`. */
  field: string;
  message: string;
  kind: ProblemKind;
  /** For a `key` problem: the partner whose entries it blocks. */
  partner?: string;
}

export const formatProblem = (p: RegistryProblem): string =>
  `${p.file}: ${[p.entry, p.field].filter(Boolean).join(' → ') || '(file)'}: ${p.message}`;
