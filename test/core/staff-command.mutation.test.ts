import { describe, expect, it } from 'vitest';
import { loadPhraseLists } from '../../src/adapters/load-phrases.js';
import { parseStaffCommand as parse, tokenInSubject } from '../../src/core/staff-command.js';

const lex = loadPhraseLists();
const parseStaffCommand = (t: string) => parse(t, lex);

describe('staff command: exactly a command on the first line', () => {
  it.each(['approve', 'approved', 'yes', 'confirm', 'confirmed', 'APPROVED!!', '**Approve.**', '"Yes!"', '_confirmed_', "'approve'", '  Approve .  ', '"**Approve**."'])('"%s" approves', (t) => {
    expect(parseStaffCommand(t)).toStrictEqual({ kind: 'approve' });
  });

  it.each(['reject', 'rejected', 'no', 'deny', 'denied', 'REJECT!', '**No.**'])('"%s" rejects', (t) => {
    expect(parseStaffCommand(t)).toStrictEqual({ kind: 'reject' });
  });

  it.each([
    ['yesterday', 'yesterday'],
    ['I approve', 'I approve'],
    ['nope', 'nope'],
    ['not rejected', 'not rejected'],
    ['rejection', 'rejection'],
    ['approve it', 'approve it'],
    ['confirmation', 'confirmation'],
    ['yes.no', 'yes.no'],
    ['app.rove', 'app.rove'],
  ])('"%s" is not a command, and the line is echoed', (t, line) => {
    expect(parseStaffCommand(t)).toStrictEqual({ kind: 'unknown', line });
  });

  it('echoes the first non-empty line, trimmed and cut to 200 characters', () => {
    expect(parseStaffCommand('\n\n   Maybe later   \nApprove')).toStrictEqual({ kind: 'unknown', line: 'Maybe later' });
    const long = `Hmm ${'x'.repeat(400)}`;
    expect(parseStaffCommand(long)).toStrictEqual({ kind: 'unknown', line: long.slice(0, 200) });
  });

  it('reads an empty reply as no command, with an empty line', () => {
    expect(parseStaffCommand('')).toStrictEqual({ kind: 'unknown', line: '' });
    expect(parseStaffCommand('  \n \n')).toStrictEqual({ kind: 'unknown', line: '' });
  });
});

describe('staff command: an override names a step and maybe an app', () => {
  it('lower-cases the step and the app', () => {
    expect(parseStaffCommand('Approve as GA_SIGNOFF for Acme-Scheduler')).toStrictEqual({ kind: 'approve', as: 'ga_signoff', app: 'acme-scheduler' });
  });

  it('accepts "approved as" and a step without an app (no app key at all)', () => {
    expect(parseStaffCommand('approved as beta_consent')).toStrictEqual({ kind: 'approve', as: 'beta_consent' });
    expect(parseStaffCommand('**Approve as withdrawal.**')).toStrictEqual({ kind: 'approve', as: 'withdrawal' });
  });

  it('accepts an app id of digits and underscores', () => {
    expect(parseStaffCommand('approve as production_approval for app_2')).toStrictEqual({ kind: 'approve', as: 'production_approval', app: 'app_2' });
  });

  it.each([
    'approve as production_approval for acme-scheduler please',
    'please approve as production_approval',
    'approve as production_approval for -acme',
    'approve as production_approval for',
    'approve as not_a_step_at_all',
    'approve as',
    'approve beta_consent',
    'approves as beta_consent',
    `approve as beta_consent for ${'a'.repeat(82)}`,
  ])('"%s" is not a command', (t) => {
    expect(parseStaffCommand(t)).toStrictEqual({ kind: 'unknown', line: t });
  });

  it('accepts an app id of up to 81 characters', () => {
    expect(parseStaffCommand(`approve as beta_consent for ${'a'.repeat(81)}`)).toStrictEqual({ kind: 'approve', as: 'beta_consent', app: 'a'.repeat(81) });
  });
});

describe('staff command: the rest of the reply may not hedge', () => {
  it('lets a rejection explain itself with a negation, but not an approval', () => {
    expect(parseStaffCommand('Reject\nThis is not the clinic we know.')).toStrictEqual({ kind: 'reject' });
    expect(parseStaffCommand('Approve\nThis is not the clinic we know.')).toStrictEqual({ kind: 'unknown', line: 'Approve' });
  });

  it('does not let a rejection wait or question', () => {
    expect(parseStaffCommand('Reject\nWait until Monday.')).toStrictEqual({ kind: 'unknown', line: 'Reject' });
    expect(parseStaffCommand('No\nIs this the clinic?')).toStrictEqual({ kind: 'unknown', line: 'No' });
  });

  it('lets an approval thank and sign, and an override too', () => {
    expect(parseStaffCommand('Approve\n\nThanks,\nJordan')).toStrictEqual({ kind: 'approve' });
    expect(parseStaffCommand('approve as ga_signoff\nMaybe check the logs')).toStrictEqual({ kind: 'unknown', line: 'approve as ga_signoff' });
  });

  it('reads the rest after the first non-empty line, not the blank lines before it', () => {
    expect(parseStaffCommand('\n\nApprove\nWhy?')).toStrictEqual({ kind: 'unknown', line: 'Approve' });
  });

  it('reads only the first 16 KB of the rest', () => {
    const filler = 'Thanks for flagging this one. '.repeat(600);
    expect(filler.length).toBeGreaterThan(16 * 1024);
    expect(parseStaffCommand(`Approve\n${filler}\nWait until Monday.`)).toStrictEqual({ kind: 'approve' });
    expect(parseStaffCommand(`Approve\nWait until Monday.\n${filler}`)).toStrictEqual({ kind: 'unknown', line: 'Approve' });
  });

  it('reads each line of the rest on its own, so a hold on the last line still counts', () => {
    expect(parseStaffCommand('Approve\nThanks\nWait')).toStrictEqual({ kind: 'unknown', line: 'Approve' });
  });

  it('echoes a hedged command line cut to 200 characters', () => {
    const first = `Approve${'*'.repeat(250)}`;
    expect(parseStaffCommand(`${first}\nWait until Monday.`)).toStrictEqual({ kind: 'unknown', line: first.slice(0, 200) });
  });

  it('normalises invisible characters before reading the command', () => {
    expect(parseStaffCommand('App\u200Brove')).toStrictEqual({ kind: 'approve' });
  });
});

describe('flag reference token in a subject', () => {
  it('finds a lower-case token and returns it upper-case', () => {
    expect(tokenInSubject('re: [cs-7kq2m9xr0abcd] flagged')).toBe('CS-7KQ2M9XR0ABCD');
  });

  it.each(['RE: [CS-7KQ2M9XR0ABC] short', 'RE: [CS-7KQ2M9XR0ABCDE] long', 'RE: [CS-7KQ2M9XR0ABCI] letter I', 'RE: [CS-7KQ2M9XR0ABCL]', 'RE: [CS-7KQ2M9XR0ABCO]', 'RE: [CS-7KQ2M9XR0ABCU]', 'RE: XCS-7KQ2M9XR0ABCD'])('finds none in "%s"', (s) => {
    expect(tokenInSubject(s)).toBeNull();
  });

  it('accepts every letter of the alphabet used', () => {
    expect(tokenInSubject('CS-ABCDEFGHJKMNP')).toBe('CS-ABCDEFGHJKMNP');
    expect(tokenInSubject('CS-QRSTVWXYZ0189')).toBe('CS-QRSTVWXYZ0189');
  });
});
