import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { detectLanguage } from '../../src/adapters/detect-language.js';
import { loadPhraseLists } from '../../src/adapters/load-phrases.js';
import { parseMail } from '../../src/adapters/parse-mail.js';
import type { Decision, DecisionContext } from '../../src/core/decide.js';
import { decideMessage } from '../../src/daemon/decide-message.js';
import { loadDecisionContext } from '../../src/db/load-decision-context.js';
import { openDb } from '../../src/db/open-db.js';
import { importRegistry } from '../../src/registry/import-registry.js';
import { loadRegistry } from '../../src/registry/load-registry.js';

export const EVAL_DIR = fileURLToPath(new URL('../fixtures/eval/', import.meta.url));
export const EVAL_AUTHSERV = 'mx.partners.example';

export interface EvalLabel {
  file: string;
  action: string;
  intent: string;
  app: string | null;
  client: string | null;
  category: string;
}

export function evalLabels(half: 'dev' | 'test'): EvalLabel[] {
  return readFileSync(`${EVAL_DIR}${half}/LABELS.tsv`, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => {
      const [file, action, intent, app, client, category] = l.split('\t');
      return { file: file!, action: action!, intent: intent!, app: app || null, client: client || null, category: category! };
    });
}

/** The decision context of the evaluation registry, from the real import into an in-memory database. */
export async function evalContext(): Promise<DecisionContext> {
  const db = openDb(':memory:');
  const loaded = await loadRegistry(`${EVAL_DIR}registry.yaml`);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
  importRegistry(db, loaded.registry, { actor: 'operator:test' });
  return loadDecisionContext(db, { ownAddresses: ['apipartners@partners.example'], minConfidence: 0.6 });
}

export async function decideRaw(raw: Buffer, ctx: DecisionContext): Promise<Decision> {
  return decideMessage(raw, await parseMail(raw), ctx, { phrases: loadPhraseLists(), detectLanguage, authservId: EVAL_AUTHSERV });
}
