import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPhraseLists } from '../../src/adapters/load-phrases.js';
import { parseMail } from '../../src/adapters/parse-mail.js';
import { detectLanguage } from '../../src/adapters/detect-language.js';
import type { DecisionContext } from '../../src/core/decide.js';
import { decideMessage } from '../../src/daemon/decide-message.js';
import { loadDecisionContext } from '../../src/db/load-decision-context.js';
import { decisionRegistry } from '../helpers/decision-registry.js';
import { seededDb } from '../helpers/test-db.js';
import { AUTHSERV_ID } from '../helpers/mail.js';

const DIR = fileURLToPath(new URL('../fixtures/decisions/', import.meta.url));
const labels = readFileSync(`${DIR}LABELS.tsv`, 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => {
    const [file, decision, intent, app] = l.split('\t');
    return { file: file!, decision: decision!, intent: intent!, app: app || null };
  });

let ctx: DecisionContext;
const deps = { phrases: loadPhraseLists(), detectLanguage, authservId: AUTHSERV_ID };

beforeAll(async () => {
  const db = await seededDb(decisionRegistry());
  ctx = loadDecisionContext(db, { ownAddresses: ['apipartners@partners.example'], minConfidence: 0.6 });
});

async function decideFile(file: string) {
  const raw = readFileSync(`${DIR}${file}`);
  return decideMessage(raw, await parseMail(raw), ctx, deps);
}

describe('labelled decision fixtures', () => {
  it('holds at least 80 messages covering every decision', () => {
    expect(labels.length).toBeGreaterThanOrEqual(80);
    expect(new Set(labels.map((l) => l.decision))).toEqual(new Set(['apply', 'flag', 'ignore']));
  });

  for (const l of labels) {
    it(`${l.file}: ${l.decision} ${l.intent}${l.app ? ` ${l.app}` : ''}`, async () => {
      const d = await decideFile(l.file);
      const summary = { decision: d.action, intent: d.intent, app: d.app };
      expect(summary, d.reasons.map((r) => r.code).join(', ')).toEqual({ decision: l.decision, intent: l.intent, app: l.app });
    });
  }

  it('never applies a message labelled flag or ignore, and applies every clean in-stage approval', async () => {
    const wrong: string[] = [];
    for (const l of labels) {
      const d = await decideFile(l.file);
      if (d.action === 'apply' && l.decision !== 'apply') wrong.push(`false apply: ${l.file}`);
      if (l.decision === 'apply' && d.action !== 'apply') wrong.push(`missed: ${l.file}`);
      if (l.decision === 'ignore' && d.action !== 'ignore') wrong.push(`automated not ignored: ${l.file}`);
    }
    expect(wrong).toEqual([]);
  });
});
