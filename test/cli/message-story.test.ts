import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeMail, PRODUCTION_APPROVAL } from '../helpers/mail.js';
import { makeProject, type Project } from '../helpers/project.js';
import { baseRegistry, writeRegistry } from '../helpers/registry-fixture.js';
import { runCountersign } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

function deliver(p: Project, name: string, raw: string): void {
  const md = p.env.COUNTERSIGN_MAILDIR!;
  for (const s of ['new', 'cur', 'tmp']) mkdirSync(path.join(md, s), { recursive: true });
  writeFileSync(path.join(md, 'new', name), raw);
}

/** A registry where Acme Scheduler has no integration at Riverside yet: a Production approval is early. */
const withoutIntegration = () => ({ ...baseRegistry(), integrations: [] });

describe("one message's story through the real CLI", () => {
  it('lists, shows, exports and decides again a message flagged too early, applying it after the registry moved on', async () => {
    const p = await makeProject({}, withoutIntegration());
    const early = makeMail({ from: 'pm@riversidefm.org', body: PRODUCTION_APPROVAL, messageId: '<early-1@riversidefm.org>' });
    deliver(p, '1700000001.e1.host', early);
    deliver(p, '1700000002.b1.host', makeMail({ from: 'news@riversidefm.org', headers: { Precedence: 'bulk' }, messageId: '<bulk-1@riversidefm.org>' }));
    const run = await runCountersign(['run', '--once'], p.env);
    expect(run.code, run.stderr).toBe(0);

    // messages: both, then filtered by outcome.
    const all = JSON.parse((await runCountersign(['messages', '--json'], p.env)).stdout);
    expect(all.map((m: { outcome: string; messageId: string }) => [m.messageId, m.outcome])).toEqual([
      ['<early-1@riversidefm.org>', 'flagged'],
      ['<bulk-1@riversidefm.org>', 'ignored'],
    ]);
    const flaggedOnly = JSON.parse((await runCountersign(['messages', '--outcome', 'flagged', '--since', '2020-01-01', '--json'], p.env)).stdout);
    expect(flaggedOnly).toHaveLength(1);
    expect(flaggedOnly[0].reasons).toContain('stage_refused');
    const future = JSON.parse((await runCountersign(['messages', '--since', '2999-01-01', '--json'], p.env)).stdout);
    expect(future).toEqual([]);
    const badOutcome = await runCountersign(['messages', '--outcome', 'approved'], p.env);
    expect(badOutcome.code).toBe(2);
    const id = flaggedOnly[0].id as number;

    // message show by Message-ID: the decision, the reason in words, its flag and the staff notice.
    const show = await runCountersign(['message', 'show', 'early-1@riversidefm.org'], p.env);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toContain(`message ${id}: FLAGGED production_approval acme-scheduler at riverside`);
    expect(show.stdout).toContain('reasons:\n  - A Production approval needs the integration at beta_consented; it is at pending.\n');
    expect(show.stdout).toContain('what the sender newly wrote:\n> Hi team,');
    expect(show.stdout).toMatch(/outbox \d+ client_fix to pm@riversidefm\.org: sent/);
    expect(show.stdout).toMatch(/flag \d+ \[CS-[0-9A-Z]{13}\] open \(message\)/);
    expect(show.stdout).toMatch(/outbox \d+ staff_flag to the registry staff: (queued|sent)/);
    expect(show.stdout).toContain('stage changes:\n  (none)');
    const token = /\[(CS-[0-9A-Z]{13})\]/.exec(show.stdout)![1]!;

    // message raw: the exact bytes, 0600, the recorded SHA-256, never overwritten.
    const out = path.join(tempDir('cs-raw-'), 'evidence.eml');
    const raw = await runCountersign(['message', 'raw', String(id), '--out', out], p.env);
    expect(raw.code, raw.stderr).toBe(0);
    const sha = createHash('sha256').update(early).digest('hex');
    expect(raw.stdout).toContain(`SHA-256 ${sha} (as recorded)`);
    expect(raw.stdout).toContain('the stored copy is complete');
    expect(raw.stdout).toContain('its SHA-256 matches');
    expect(readFileSync(out, 'utf8')).toBe(early);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const again = await runCountersign(['message', 'raw', String(id), '--out', out], p.env);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('is never overwritten');

    // flags show with the reference staff see: the proposal in words and the client's new text.
    const flag = await runCountersign(['flags', 'show', token.toLowerCase()], p.env);
    expect(flag.code, flag.stderr).toBe(0);
    expect(flag.stdout).toContain(`[${token}]`);
    expect(flag.stdout).toContain('proposal: Reply APPROVE to record the Production approval of Acme Scheduler for Riverside Family Medicine and send Acme Health Apps the Production identifiers, or REJECT.');
    expect(flag.stdout).not.toContain('{"step"');
    expect(flag.stdout).toContain('what the client newly wrote:\n> Hi team,');
    expect(flag.stdout).toContain('> Acme Scheduler is approved for production - go ahead.');

    // Today's registry: the integration exists now, at beta_consented.
    const file = await writeRegistry({ ...baseRegistry(), integrations: [{ app: 'acme-scheduler', client: 'riverside', stage: 'beta_consented' }] }, { dir: tempDir('cs-reg-') });
    expect((await runCountersign(['registry', 'import', file], p.env)).code).toBe(0);
    const stage = () => p.query<{ stage: string }>("SELECT stage FROM integrations WHERE app_id = 'acme-scheduler' AND client_id = 'riverside'")[0]?.stage;
    expect(stage()).toBe('beta_consented');
    const eventsBefore = p.query<{ n: number }>('SELECT COUNT(*) AS n FROM events')[0]!.n;

    // Without --apply: the new decision is printed, nothing changes.
    const dry = await runCountersign(['message', 'redecide', String(id)], p.env);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`message ${id} (was flagged) now: APPLY production_approval acme-scheduler at riverside`);
    expect(dry.stdout).toContain('nothing changed; add --apply');
    expect(stage()).toBe('beta_consented');
    expect(p.query<{ n: number }>('SELECT COUNT(*) AS n FROM events')[0]!.n).toBe(eventsBefore);

    // A --by that is not staff nor the operator's own name is refused before anything is decided.
    const stranger = await runCountersign(['message', 'redecide', String(id), '--apply', '--by', 'someone@else.example'], p.env);
    expect(stranger.code).toBe(2);

    // With --apply: through the state machine, the staff member as actor, the message as cause.
    const applied = await runCountersign(['message', 'redecide', String(id), '--apply', '--by', 'ops@partners.example', '--json'], p.env);
    expect(applied.code, applied.stderr).toBe(0);
    expect(JSON.parse(applied.stdout)).toMatchObject({ decision: 'apply', was: 'flagged', applied: { from: 'beta_consented', to: 'production_approved', actor: 'ops@partners.example' } });
    expect(stage()).toBe('production_approved');
    const [ev] = p.query<{ kind: string; actor: string; cause_type: string; cause_ref: string; to_stage: string; evidence: string }>(
      'SELECT kind, actor, cause_type, cause_ref, to_stage, evidence FROM events ORDER BY seq DESC LIMIT 1',
    );
    expect(ev).toMatchObject({ kind: 'stage_change', actor: 'ops@partners.example', cause_type: 'message', cause_ref: '<early-1@riversidefm.org>', to_stage: 'production_approved' });
    expect(JSON.parse(ev!.evidence)).toMatchObject({ redecided: true, messageRow: id, originalOutcome: 'flagged', sha256: sha });
    // The partner's identifiers and the client's acknowledgement are queued as for an automatic apply.
    const mails = p.query<{ kind: string }>("SELECT kind FROM outbox WHERE kind IN ('partner_production_identifiers', 'client_ack') ORDER BY id").map((r) => r.kind);
    expect(mails).toEqual(['partner_production_identifiers', 'client_ack']);

    // The story now holds the stage change it caused and the mails that change queued.
    const after = await runCountersign(['message', 'show', String(id)], p.env);
    expect(after.stdout).toMatch(/event \d+ .*: stage_change acme-scheduler at riverside: beta_consented → production_approved \(by ops@partners\.example, cause message\)/);
    expect(after.stdout).toMatch(/outbox \d+ partner_production_identifiers to integrations@acmehealth\.io: queued/);
    expect(after.stdout).toMatch(/outbox \d+ client_ack to pm@riversidefm\.org: queued/);

    // Deciding again once applied changes nothing more.
    const twice = await runCountersign(['message', 'redecide', String(id), '--apply'], p.env);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('not applied');
    expect(p.query<{ n: number }>("SELECT COUNT(*) AS n FROM events WHERE cause_type = 'message'")[0]!.n).toBe(1);
    // About twenty runs of the real binary, each a fresh Node process.
  }, 240_000);

  it('names an unknown message as not found', async () => {
    const p = await makeProject();
    const missing = await runCountersign(['message', 'show', '<nobody@nowhere.example>', '--json'], p.env);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout)).toMatchObject({ error: { code: 'not_found' } });
  });
});
