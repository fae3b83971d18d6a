import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { detectLanguage } from '../../src/adapters/detect-language.js';
import { loadPhraseLists } from '../../src/adapters/load-phrases.js';
import { loadConfig } from '../../src/config.js';
import type { Db } from '../../src/db/open-db.js';
import { decideInProcess, type DecideDeps } from '../../src/daemon/decide-message.js';
import { handleIncoming, type ProcessorDeps } from '../../src/daemon/message-processor.js';
import { currentContext, dropDecision, queueDecision, startDecision } from '../../src/daemon/start-decision.js';
import { createLogger } from '../../src/logger.js';
import type { Incoming, MailSource } from '../../src/mailbox/mail-port.js';
import { drainMailbox } from '../../src/daemon/drain-mailbox.js';
import { AUTHSERV_ID, makeMail, PRODUCTION_APPROVAL } from '../helpers/mail.js';
import { seededDb } from '../helpers/test-db.js';

const GA_SIGNOFF = 'Hi team,\n\nAcme Scheduler has been working as designed to our satisfaction in our beta; consider this our sign-off.\n\nPat';

function depsFor(db: Db): ProcessorDeps {
  const decide: DecideDeps = { phrases: loadPhraseLists(), detectLanguage, authservId: AUTHSERV_ID };
  const config = loadConfig({ COUNTERSIGN_DB: ':memory:', COUNTERSIGN_AUTHSERV_ID: AUTHSERV_ID, COUNTERSIGN_FROM: 'apipartners@partners.example' });
  return { ...decide, db, config, logger: createLogger({ level: 'silent' }) };
}

let seq = 0;
function incoming(raw: string): Incoming {
  const buf = Buffer.from(raw);
  seq++;
  return { loc: { mailbox: 'test', key: `k${seq}` }, raw: buf, size: buf.length, sha256: createHash('sha256').update(buf).digest('hex'), complete: true };
}

/** Two ordinary notes from a client, each flagged or ignored: neither changes what decisions read. */
const twoNotes = () => [
  incoming(makeMail({ from: 'pm@riversidefm.org', subject: 'one', body: 'Thanks, we will review the test plan this week.' })),
  incoming(makeMail({ from: 'pm@riversidefm.org', subject: 'two', body: 'Thanks again, we will review it with our IT lead.' })),
];

/** A mailbox holding these messages, in order; marking and filing do nothing. */
function listSource(messages: Incoming[]): MailSource {
  return {
    mailbox: 'test',
    open: async () => undefined,
    async *pending() {
      yield* messages;
    },
    mark: async () => undefined,
    flush: async () => [],
    waitForChange: async () => undefined,
    close: async () => undefined,
  };
}

const stageOf = (db: Db) => (db.$client.prepare("SELECT stage FROM integrations WHERE client_id = 'riverside'").get() as { stage: string }).stage;

describe('deciding the next message while this one is recorded', () => {
  it('a GA sign-off decided ahead against the stage before the production approval is decided again, and applied', async () => {
    const db = await seededDb();
    const deps = depsFor(db);
    const approval = incoming(makeMail({ from: 'pm@riversidefm.org', body: PRODUCTION_APPROVAL }));
    const signoff = incoming(makeMail({ from: 'pm@riversidefm.org', body: GA_SIGNOFF }));
    // The sign-off is decided first, against beta_consented: on its own it would be refused.
    const stale = currentContext(deps);
    const early = await decideInProcess(signoff.raw, stale, deps);
    expect(early.kind === 'decided' && early.decision.reasons.map((r) => r.code)).toContain('stage_refused');

    expect(await handleIncoming(deps, approval)).toMatchObject({ outcome: 'applied' });
    expect(stageOf(db)).toBe('production_approved');
    const h = await handleIncoming(deps, signoff, undefined, { result: Promise.resolve({ kind: 'outcome', out: early, ctx: stale }) });
    expect(h).toMatchObject({ outcome: 'applied' });
    expect(stageOf(db)).toBe('ga_signed_off');
  });

  it('a decision made ahead against a context nothing changed is used as it is, not made again', async () => {
    const db = await seededDb();
    const deps = depsFor(db);
    const approval = incoming(makeMail({ from: 'pm@riversidefm.org', body: PRODUCTION_APPROVAL }));
    let decisions = 0;
    const counting: ProcessorDeps = { ...deps, decider: { decide: (raw, ctx) => (decisions++, decideInProcess(raw, ctx, deps)), close: async () => undefined } };
    const pending = startDecision(counting, approval, undefined)!;
    expect(await handleIncoming(counting, approval, undefined, pending)).toMatchObject({ outcome: 'applied' });
    expect(decisions).toBe(1);
  });

  it('a message decided ahead but never recorded (the daemon stopped) has its attempt taken back', async () => {
    const db = await seededDb();
    const deps = depsFor(db);
    const inc = incoming(makeMail({ from: 'pm@riversidefm.org', body: PRODUCTION_APPROVAL }));
    const pending = startDecision(deps, inc, undefined)!;
    await pending.result;
    const attempts = () => (db.$client.prepare('SELECT attempts FROM message_attempts WHERE key = ?').get(inc.loc.key) as { attempts: number } | undefined)?.attempts;
    expect(attempts()).toBe(1);
    await dropDecision(deps, inc, pending);
    expect(attempts()).toBe(0);
  });

  it('a queued decision counts no attempt until it begins, and one dropped before it began never begins', async () => {
    const db = await seededDb();
    const deps = depsFor(db);
    const inc = incoming(makeMail({ from: 'pm@riversidefm.org', body: GA_SIGNOFF }));
    let decided = 0;
    const counting: ProcessorDeps = { ...deps, decider: { decide: (raw, ctx) => (decided++, decideInProcess(raw, ctx, deps)), close: async () => undefined } };
    const attempts = () => db.$client.prepare('SELECT attempts FROM message_attempts WHERE key = ?').get(inc.loc.key);
    const queued = queueDecision(counting, inc, undefined)!;
    expect(attempts()).toBeUndefined();
    queued.begin();
    expect(attempts()).toEqual({ attempts: 1 });
    expect((await queued.result).kind).toBe('outcome');
    expect(decided).toBe(1);

    // Counted (as in the record of the message before it), then dropped before it began.
    const dropped = queueDecision(counting, inc, undefined)!;
    dropped.count();
    expect(attempts()).toEqual({ attempts: 2 });
    await dropped.drop();
    expect(attempts()).toEqual({ attempts: 1 });
    dropped.begin();
    await new Promise((r) => setTimeout(r, 20));
    expect(decided).toBe(1);
    expect(attempts()).toEqual({ attempts: 1 });
  });

  it('a decision whose attempt cannot be taken back (a database error) settles as an error, never hangs', async () => {
    const db = await seededDb();
    const deps = depsFor(db);
    const inc = incoming(makeMail({ from: 'pm@riversidefm.org', body: GA_SIGNOFF }));
    db.$client.exec("CREATE TRIGGER refuse_uncount BEFORE UPDATE ON message_attempts BEGIN SELECT RAISE(ABORT, 'refused'); END");
    const stopping: ProcessorDeps = { ...deps, decider: { decide: async () => ({ kind: 'abandoned' }) as const, close: async () => undefined } };
    const pending = startDecision(stopping, inc, undefined)!;
    await expect(pending.result).rejects.toThrow('refused');
  });

  it('starts the next decision only once this message is recorded, so a message that kills the process never costs the one before it an attempt', async () => {
    const db = await seededDb();
    const deps = depsFor(db);
    const messages = twoNotes();
    // For each decision started: how many messages were already recorded at that moment.
    const recordedWhenStarted: number[] = [];
    const watching: ProcessorDeps = {
      ...deps,
      decider: {
        decide: (raw, ctx) => {
          recordedWhenStarted.push((db.$client.prepare('SELECT COUNT(*) AS n FROM messages').get() as { n: number }).n);
          return decideInProcess(raw, ctx, deps);
        },
        close: async () => undefined,
      },
    };
    const source = listSource(messages);
    expect(await drainMailbox(source, watching, { signal: new AbortController().signal, shadow: false })).toEqual({ handled: 2, alreadyKnown: 0 });
    // Decided but unrecorded when the second killed the process, the first would be decided again
    // on every start and charged an attempt each time.
    expect(recordedWhenStarted).toEqual([0, 1]);
  });

  it('counts the next message\'s attempt in the commit that records this one, so the worker waits for nothing else', async () => {
    const db = await seededDb();
    const deps = depsFor(db);
    const messages = twoNotes();
    // A transaction that counts the second message's attempt fails: were the count a commit of its
    // own after the record, the first message would stay recorded. In one commit, neither lands.
    db.$client.exec(`CREATE TRIGGER refuse_second BEFORE INSERT ON message_attempts WHEN NEW.key = '${messages[1]!.loc.key}' BEGIN SELECT RAISE(ABORT, 'refused'); END`);
    const source = listSource(messages);
    await expect(drainMailbox(source, deps, { signal: new AbortController().signal, shadow: false })).rejects.toThrow('refused');
    expect(db.$client.prepare('SELECT COUNT(*) AS n FROM messages').get()).toEqual({ n: 0 });
    // The first keeps the attempt its own decision counted; the second was never decided.
    expect(db.$client.prepare('SELECT key, attempts FROM message_attempts ORDER BY key').all()).toEqual([{ key: messages[0]!.loc.key, attempts: 1 }]);

    db.$client.exec('DROP TRIGGER refuse_second');
    let startedWith: unknown[] = [];
    const watching: ProcessorDeps = {
      ...deps,
      decider: {
        decide: (raw, ctx) => {
          startedWith.push(db.$client.prepare('SELECT key, attempts FROM message_attempts ORDER BY key').all());
          return decideInProcess(raw, ctx, deps);
        },
        close: async () => undefined,
      },
    };
    expect(await drainMailbox(source, watching, { signal: new AbortController().signal, shadow: false })).toEqual({ handled: 2, alreadyKnown: 0 });
    // The second message's decision started with its attempt counted and the first's record (which
    // clears the first's attempts) in place: one commit held both.
    expect(startedWith).toEqual([[{ key: messages[0]!.loc.key, attempts: 2 }], [{ key: messages[1]!.loc.key, attempts: 1 }]]);
    expect(db.$client.prepare('SELECT COUNT(*) AS n FROM message_attempts').get()).toEqual({ n: 0 });
    startedWith = [];
  });

  it('counts no attempt for the next message when the daemon is stopping as this one is recorded', async () => {
    const db = await seededDb();
    const deps = depsFor(db);
    const messages = twoNotes();
    const stop = new AbortController();
    let decided = 0;
    const stopping: ProcessorDeps = {
      ...deps,
      decider: {
        decide: async (raw, ctx, signal) => {
          decided++;
          const out = await decideInProcess(raw, ctx, deps);
          // Stopped while the first is decided: it is recorded, the second never decided.
          stop.abort();
          return signal?.aborted && decided > 1 ? ({ kind: 'abandoned' } as const) : out;
        },
        close: async () => undefined,
      },
    };
    const source = listSource(messages);
    expect(await drainMailbox(source, stopping, { signal: stop.signal, shadow: false })).toEqual({ handled: 1, alreadyKnown: 0 });
    expect(db.$client.prepare('SELECT subject FROM messages').all()).toEqual([{ subject: 'one' }]);
    // Stopping when the first was recorded: the second was neither counted nor decided.
    expect(decided).toBe(1);
    expect(db.$client.prepare('SELECT key, attempts FROM message_attempts').all()).toEqual([]);
  });
});
