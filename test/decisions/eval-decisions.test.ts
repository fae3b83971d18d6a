import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DecisionContext } from '../../src/core/decide.js';
import { decideRaw, EVAL_DIR, evalContext, evalLabels } from '../helpers/eval-set.js';

// The evaluation set was written by someone who never saw the word lists (scripts/build-eval-set.mjs).
// The dev half is where the decision is tuned; the test half is only measured. Both must hold the
// first rule (never a false apply); the test half must show that real approvals are recognised.
let ctx: DecisionContext;
beforeAll(async () => {
  ctx = await evalContext();
});

for (const half of ['dev', 'test'] as const) {
  describe(`the evaluation set, ${half} half`, () => {
    it('never applies a message labelled flag or ignore, nor applies to the wrong app or client', async () => {
      const wrong: string[] = [];
      for (const l of evalLabels(half)) {
        const d = await decideRaw(readFileSync(`${EVAL_DIR}${half}/${l.file}`), ctx);
        if (d.action !== 'apply') continue;
        if (l.action !== 'apply') wrong.push(`${l.file} [${l.category}] applied`);
        else if (d.app !== l.app || d.client !== l.client || d.intent !== l.intent) wrong.push(`${l.file} applied as ${d.intent} ${d.app} at ${d.client}`);
      }
      expect(wrong).toEqual([]);
    }, 120_000);

    it('applies at least 95% of the clean, authenticated, in-stage approvals and ignores all automated mail', async () => {
      let clean = 0;
      let applied = 0;
      const notIgnored: string[] = [];
      for (const l of evalLabels(half)) {
        if (l.category !== 'clean_approval' && l.action !== 'ignore') continue;
        const d = await decideRaw(readFileSync(`${EVAL_DIR}${half}/${l.file}`), ctx);
        if (l.category === 'clean_approval') {
          clean++;
          if (d.action === 'apply') applied++;
        } else if (d.action !== 'ignore') notIgnored.push(l.file);
      }
      expect(clean).toBeGreaterThanOrEqual(100);
      expect(applied / clean).toBeGreaterThanOrEqual(0.95);
      expect(notIgnored).toEqual([]);
    }, 120_000);
  });
}
