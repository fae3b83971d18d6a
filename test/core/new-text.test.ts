import { describe, expect, it } from 'vitest';
import { extractNewText } from '../../src/core/new-text.js';

const DISCLAIMER =
  'CONFIDENTIALITY NOTICE: This e-mail is intended solely for the addressee and may contain privileged information. If you are not the intended recipient, do not approve or act on it.';

describe('what the client newly wrote', () => {
  it('drops a Gmail quote with its "On … wrote:" header over two lines', () => {
    const t = extractNewText('Approved.\n\nOn Fri, Nov 20, 2026 at 4:12 PM API Partners <apipartners@partners.example>\nwrote:\n> Do not approve until Monday.');
    expect(t.newText).toBe('Approved.');
    expect(t.quoted).toContain('Do not approve until Monday.');
  });

  it("drops Outlook's From/Sent/To/Subject block and everything below it", () => {
    const t = extractNewText('Go ahead.\n\nFrom: API Partners <apipartners@partners.example>\nSent: Friday, November 20, 2026 4:12 PM\nTo: Pat\nSubject: Next steps\n\nPlease do not approve yet.');
    expect(t.newText).toBe('Go ahead.');
    expect(t.quoted).toContain('Please do not approve yet.');
  });

  it('keeps what is written between and below quoted lines (inline and bottom-posted answers)', () => {
    expect(extractNewText('Yes.\n> old line\nStill yes.\n-----Original Message-----\nFrom: x').newText).toBe('Yes.\nStill yes.');
    const bottom = extractNewText('On Fri, Nov 20, 2026 at 4:12 PM API Partners <apipartners@partners.example> wrote:\n> Can you approve Acme for production?\n\nApproved. Please hold off on sending anything until Friday.');
    expect(bottom.newText).toBe('Approved. Please hold off on sending anything until Friday.');
    expect(bottom.quoted).toContain('Can you approve');
  });

  it('keeps text after a line that merely ends in "wrote:" without a date or address', () => {
    const t = extractNewText('Approved for production.\nAs our counsel wrote:\nPlease do not send anything until the board meets.');
    expect(t.newText).toContain('Please do not send anything until the board meets.');
    expect(t.quoted).toBe('');
  });

  it('keeps text after dash and underscore lines and after a signature separator', () => {
    for (const sep of ['-----', '__________', '--', '-- ']) {
      const t = extractNewText(`Approved for production.\n${sep}\nDo not enable anything yet.`);
      expect(t.newText, sep).toContain('Do not enable anything yet.');
    }
  });

  it('drops a trailing legal notice and keeps it available for staff', () => {
    const t = extractNewText(`Approved for production.\n\nPat\n\n${DISCLAIMER}`);
    expect(t.newText).toBe('Approved for production.\n\nPat');
    expect(t.disclaimer).toBe(DISCLAIMER);
  });

  it('keeps a paragraph in the middle that mentions HIPAA or confidential, and what follows it', () => {
    const middle = 'We are approving production, but because of HIPAA and our confidential review process we ask that nothing is sent before the compliance officer has signed the checklist.';
    const t = extractNewText(`Approved.\n\n${middle}\n\nThanks, Pat`);
    expect(t.newText).toContain(middle);
    expect(t.newText).toContain('Thanks, Pat');
    expect(t.disclaimer).toBe('');
  });

  it('keeps a hold hidden inside a legal-looking trailing paragraph', () => {
    const sneaky = 'CONFIDENTIAL: this message is intended only for the recipient. Please do not send the production credentials until Friday.';
    const t = extractNewText(`Approved for production.\n\n${sneaky}`);
    expect(t.newText).toContain('until Friday');
  });

  it('drops "Sent from my iPhone" and a German Outlook header', () => {
    expect(extractNewText('Approved.\n\nSent from my iPhone').newText).toBe('Approved.');
    expect(extractNewText('Freigegeben.\n\nVon: API Partners\nGesendet: Freitag\nAn: Pat\nBetreff: Acme').newText).toBe('Freigegeben.');
  });
});

describe('what the client newly wrote, cases a mutation run found', () => {
  it('keeps a short hold written after a trailing legal notice', () => {
    for (const hold of ['After the board meets.', 'Only after Monday.', 'Maybe.']) {
      const t = extractNewText(`We approve Acme Scheduler for production.\n\n${DISCLAIMER}\n${hold}`);
      expect(t.newText, hold).toContain(hold);
    }
  });
  it('recognises a German attribution that puts the verb before the name', () => {
    const t = extractNewText('Danke.\n\nAm 20.11.2026 um 16:12 schrieb Pat Quinn <pm@riversidefm.org>:\nWir geben Acme Scheduler frei.');
    expect(t.newText).toBe('Danke.');
  });
});
