import { userInfo } from 'node:os';
import type { Db } from '../db/open-db.js';
import { staff } from '../db/schema.js';
import { CliError } from './output.js';

/** The operator's own name: the OS account running the command, marked as such (`operator:alice`). */
export function ownOperatorName(): string {
  try {
    return `operator:${userInfo().username}`;
  } catch {
    return 'operator:unknown';
  }
}

export interface ActorRule {
  /** Whether the operator's own name (`operator:<OS account>`) is accepted besides staff addresses. */
  operator: boolean;
  /** Staff addresses accepted besides those in the database (a registry import's own staff list). */
  moreStaff?: readonly string[];
}

/**
 * The actor an operator command records, checked: a registered staff address (any case), or, where
 * the rule allows, the operator's own name. Anything else would put free text in the regulated
 * record as "who decided", so it stops the command with exit 2, saying what is accepted.
 */
export function checkedActor(db: Db, by: string | undefined, rule: ActorRule): string {
  const own = ownOperatorName();
  if (by === undefined && rule.operator) return own;
  const given = (by ?? '').trim().toLowerCase();
  const registered = new Set([...db.select({ address: staff.address }).from(staff).all().map((s) => s.address), ...(rule.moreStaff ?? [])]);
  if (registered.has(given)) return given;
  if (rule.operator && given === own.toLowerCase()) return own;
  const examples = [...registered].sort().slice(0, 3);
  const staffWords = examples.length > 0 ? `a staff address from the registry (${examples.join(', ')}${registered.size > 3 ? ', …' : ''})` : 'a staff address from the registry (it lists none yet)';
  // JSON.stringify shows control characters and quotes in what was given as escapes, on one line.
  throw new CliError(`--by: ${JSON.stringify((by ?? '').slice(0, 200))} is not a staff address in the registry; accepted: ${staffWords}${rule.operator ? ` or your own operator name, ${own}` : ''}`, 2);
}
