/** One thing wrong with a registry file, located precisely enough to fix it. */
export interface RegistryProblem {
  file: string;
  /** The entry, e.g. `clients[1] (riverside)`; empty for the file itself. */
  entry: string;
  /** The field inside the entry, e.g. `domains[0]`. */
  field: string;
  message: string;
}

export const formatProblem = (p: RegistryProblem): string =>
  `${p.file}: ${[p.entry, p.field].filter(Boolean).join(' → ') || '(file)'}: ${p.message}`;
