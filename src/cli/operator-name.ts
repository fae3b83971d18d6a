import { userInfo } from 'node:os';

/** Who ran an operator command when `--by` is not given: the OS account, marked as such. */
export function operatorName(by: string | undefined): string {
  if (by && by.trim()) return by.trim().toLowerCase();
  try {
    return `operator:${userInfo().username}`;
  } catch {
    return 'operator:unknown';
  }
}
