import { describe, expect, it } from 'vitest';
import { extractNewText } from '../../src/core/new-text.js';

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

  it('drops "-----Original Message-----" threads and interleaved ">" lines', () => {
    expect(extractNewText('Yes.\n> old line\nStill yes.\n-----Original Message-----\nFrom: x').newText).toBe('Yes.\nStill yes.');
  });

  it('keeps the signature and a long legal disclaimer out of the decision but available', () => {
    const disclaimer = 'CONFIDENTIALITY NOTICE: This e-mail is intended solely for the addressee and may contain privileged information. If you are not the intended recipient, do not approve or act on it.';
    const t = extractNewText(`Approved for production.\n\nPat\n\n${disclaimer}`);
    expect(t.newText).toBe('Approved for production.\n\nPat');
    expect(t.disclaimer).toBe(disclaimer);
    const s = extractNewText('Approved.\n\nSent from my iPhone');
    expect(s.newText).toBe('Approved.');
    expect(s.signature).toBe('Sent from my iPhone');
  });

  it('keeps a short paragraph that merely mentions confidentiality', () => {
    expect(extractNewText('Approved.\n\nKeep the IDs confidential.').newText).toBe('Approved.\n\nKeep the IDs confidential.');
  });

  it('handles a German Outlook header', () => {
    expect(extractNewText('Freigegeben.\n\nVon: API Partners\nGesendet: Freitag\nAn: Pat\nBetreff: Acme').newText).toBe('Freigegeben.');
  });
});
