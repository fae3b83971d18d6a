import { describe, expect, it } from 'vitest';
import { loadPhraseLists } from '../../src/adapters/load-phrases.js';
import { parseStaffCommand as parse } from '../../src/core/staff-command.js';

const lex = loadPhraseLists();
const parseStaffCommand = (t: string) => parse(t, lex);

describe('a staff reply naming the client (issue 13, item 1)', () => {
  it('"approve as STEP for APP at CLIENT" names step, app and client', () => {
    expect(parseStaffCommand('approve as production_approval for acme-scheduler at riverside')).toEqual({ kind: 'approve', as: 'production_approval', app: 'acme-scheduler', client: 'riverside' });
    expect(parseStaffCommand('**Approve as beta_consent for Acme-Scheduler at Lakeside.**\n\nJordan')).toEqual({ kind: 'approve', as: 'beta_consent', app: 'acme-scheduler', client: 'lakeside' });
  });
  it('the client may be named without the app (the proposal keeps its app)', () => {
    expect(parseStaffCommand('approve as production_approval at riverside')).toEqual({ kind: 'approve', as: 'production_approval', client: 'riverside' });
  });
  it.each(['approve as production_approval for acme-scheduler at riverside, please', 'approve as production_approval for acme-scheduler at', 'approve at riverside', 'approve as production_approval for acme-scheduler at riverside?'])(
    '"%s" is not a command',
    (t) => {
      expect(parseStaffCommand(t)).toEqual({ kind: 'unknown', line: expect.any(String) });
    },
  );
});
