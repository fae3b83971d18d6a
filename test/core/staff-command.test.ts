import { describe, expect, it } from 'vitest';
import { loadPhraseLists } from '../../src/adapters/load-phrases.js';
import { extractNewText } from '../../src/core/new-text.js';
import { parseStaffCommand as parse, tokenInSubject } from '../../src/core/staff-command.js';
import { queueReminderDigest } from '../../src/db/queue-reminders.js';
import { testDb } from '../helpers/test-db.js';

const lex = loadPhraseLists();
const parseStaffCommand = (t: string) => parse(t, lex);

describe('a staff reply', () => {
  it.each(['Approve', 'approved.', 'YES', 'Confirm!', '**Approve**', '  \n\nyes', 'Approve\n\nThanks,\nJordan'])('"%s" approves', (t) => {
    expect(parseStaffCommand(t)).toEqual({ kind: 'approve' });
  });
  it.each(['Reject', 'rejected', 'No', 'Deny.\nThis is not the client we know.'])('"%s" rejects', (t) => {
    expect(parseStaffCommand(t)).toEqual({ kind: 'reject' });
  });
  it('may override the proposal with a step and an app', () => {
    expect(parseStaffCommand('approve as production_approval for acme-scheduler')).toEqual({ kind: 'approve', as: 'production_approval', app: 'acme-scheduler' });
    expect(parseStaffCommand('Approve as beta_consent')).toEqual({ kind: 'approve', as: 'beta_consent' });
  });
  it.each([
    'Yes, but please wait until compliance signs off before sending anything.',
    'Approved by whom? This looks like a spoof.',
    'No problem, approve it.',
    'Maybe later',
    'approve as production for x',
    'Noted, thanks',
    'Please approve this',
    'yes please',
    'Approve?',
    'deny — wrong client',
  ])('"%s" is not a command', (t) => {
    expect(parseStaffCommand(t)).toEqual({ kind: 'unknown', line: expect.any(String) });
  });
  it.each([
    'Approve\n\nBut wait until compliance signs off before sending anything.',
    'Approve\nIs this really the clinic?',
    'Yes\nOnly if the DMARC failure is explained.',
    'Reject\nor maybe approve, not sure?',
  ])('a command that another line hedges or questions is not understood: %j', (t) => {
    expect(parseStaffCommand(t).kind).toBe('unknown');
  });
  it('reads replies as Apple Mail, Gmail and Outlook write them, quoted notification below', () => {
    const apple = 'Approve\n\nSent from my iPhone\n\n> On Nov 23, 2026, at 10:02, API Partners <apipartners@partners.example> wrote:\n>\n> Reply APPROVE to record …, or REJECT.';
    const gmail = 'reject\n\nOn Mon, Nov 23, 2026 at 10:02 AM API Partners <apipartners@partners.example>\nwrote:\n> Reply APPROVE to record …';
    const outlook = 'Yes\n\nJordan\n\nFrom: API Partners <apipartners@partners.example>\nSent: Monday, November 23, 2026 10:02 AM\nTo: Ops\nSubject: [CS-7KQ2M9XR0ABCD] Flagged: Production\n\nReply APPROVE …';
    expect(parseStaffCommand(extractNewText(apple).newText)).toEqual({ kind: 'approve' });
    expect(parseStaffCommand(extractNewText(gmail).newText)).toEqual({ kind: 'reject' });
    expect(parseStaffCommand(extractNewText(outlook).newText)).toEqual({ kind: 'approve' });
  });

  it('finds a reference token in a reply subject', () => {
    expect(tokenInSubject('RE: [CS-7KQ2M9XR0ABCD] Flagged: Production')).toBe('CS-7KQ2M9XR0ABCD');
    expect(tokenInSubject('RE: Flagged: Production')).toBeNull();
  });
});

describe('reminders', () => {
  it('sends one digest a day of the flags open longer than the reminder age', () => {
    const db = testDb();
    const ins = db.$client.prepare("INSERT INTO flags (token, kind, reasons, status, created_at, expires_at) VALUES (?, 'message', '[]', 'open', ?, '2026-12-31T00:00:00.000Z')");
    ins.run('CS-AAAAAAAAAAAAA', '2026-11-20T00:00:00.000Z');
    ins.run('CS-BBBBBBBBBBBBB', '2026-11-28T23:00:00.000Z');
    const now = new Date('2026-11-29T00:00:00.000Z');
    const first = queueReminderDigest(db, { remindHours: 24, from: 'a@partners.example', now });
    expect(first).not.toBeNull();
    expect(JSON.parse((db.$client.prepare('SELECT context FROM outbox WHERE id = ?').get(first) as { context: string }).context)).toEqual({ flagIds: [1], expiredFlagIds: [] });
    expect(queueReminderDigest(db, { remindHours: 24, from: 'a@partners.example', now: new Date('2026-11-29T12:00:00.000Z') })).toBeNull();
    expect(queueReminderDigest(db, { remindHours: 24, from: 'a@partners.example', now: new Date('2026-11-30T01:00:00.000Z') })).not.toBeNull();
  });
});
