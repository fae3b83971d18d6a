import { describe, expect, it } from 'vitest';
import { extractNewText } from '../../src/core/new-text.js';

/** What the client newly wrote, checked field by field so that each rule of the extraction is pinned. */

const NOTICE =
  'CONFIDENTIALITY NOTICE: This e-mail is intended solely for the addressee and may contain privileged information. If you are not the intended recipient, please notify the sender and delete all copies.';

describe('new text: attribution lines ("On … wrote:")', () => {
  it('drops everything below a single-line attribution that is not followed by ">" lines', () => {
    const t = extractNewText('Thanks, noted.\nOn Fri, Nov 20, 2026 at 4:12 PM Pat <pm@riversidefm.org> wrote:\nWe approve Acme for production.\nMore history.');
    expect(t).toEqual({ newText: 'Thanks, noted.', quoted: 'On Fri, Nov 20, 2026 at 4:12 PM Pat <pm@riversidefm.org> wrote:\nWe approve Acme for production.\nMore history.', signature: '', disclaimer: '' });
  });

  it('keeps what is written below the ">" lines that follow an attribution', () => {
    const t = extractNewText('On Fri, Nov 20, 2026 at 4:12 PM Pat <pm@riversidefm.org> wrote:\n\n> Can you approve?\n> Thanks\nApproved, but wait until Monday.');
    expect(t.newText).toBe('Approved, but wait until Monday.');
    expect(t.quoted).toBe('On Fri, Nov 20, 2026 at 4:12 PM Pat <pm@riversidefm.org> wrote:\n\n> Can you approve?\n> Thanks');
  });

  it('recognises an attribution by an address alone, without "On"', () => {
    expect(extractNewText('Hello.\nPat Quinn <pm@riversidefm.org> wrote:\nWe approve Acme.').newText).toBe('Hello.');
  });

  it.each([
    'Am 20.11.2026 um 16:12 hat Pat geschrieben, pm@riversidefm.org schrieb:',
    'Le 20/11/2026 à 16:12, Pat a écrit :',
    'El 20 nov 2026, a las 16:12, Pat escribió:',
    'On Monday Pat writes:',
    'On 2026 Pat wrote',
    'On 4:12 Pat wrote:',
    'On Nov 20 Pat wrote:',
    'on 20-11 pat WROTE:',
  ])('recognises the attribution "%s"', (line) => {
    const t = extractNewText(`Hello.\n${line}\nWe approve Acme.`);
    expect(t.newText).toBe('Hello.');
    expect(t.quoted).toBe(`${line}\nWe approve Acme.`);
  });

  it.each([
    'On the other hand, our counsel wrote:',
    'As our counsel wrote on Monday:',
    'On Monday Pat wrote: do not enable it',
    'Once Pat wrote it down on Nov 20 we knew:',
    'Only Pat <pm@riversidefm.org> knew:',
    'Online, Pat wrote on Nov 20:',
  ])('keeps text below a line that is no attribution: "%s"', (line) => {
    const t = extractNewText(`Approved.\n${line}\nPlease wait until Friday.`);
    expect(t.newText).toBe(`Approved.\n${line}\nPlease wait until Friday.`);
    expect(t.quoted).toBe('');
  });

  it('joins an attribution that Gmail wrapped over two lines, and drops both', () => {
    const t = extractNewText('Approved.\nOn Fri, Nov 20, 2026 at 4:12 PM Pat Quinn <pm@riversidefm.org>\nwrote:\n> Please confirm.\nThanks again.');
    expect(t.newText).toBe('Approved.\nThanks again.');
    expect(t.quoted).toBe('On Fri, Nov 20, 2026 at 4:12 PM Pat Quinn <pm@riversidefm.org>\nwrote:\n> Please confirm.');
  });

  it('does not join a first line that ends a sentence', () => {
    const t = extractNewText('Approved.\nOn Friday we meet Pat.\nwrote:\nPlease wait.');
    expect(t.newText).toBe('Approved.\nOn Friday we meet Pat.\nwrote:\nPlease wait.');
  });

  it('does not join a first line that does not open like an attribution', () => {
    const t = extractNewText('Approved.\nPat Quinn sent this on Nov 20\nwrote:\nPlease wait.');
    expect(t.newText).toBe('Approved.\nPat Quinn sent this on Nov 20\nwrote:\nPlease wait.');
  });

  it('does not join a first line of 200 characters or more', () => {
    const first = `On Fri, Nov 20, 2026 ${'x'.repeat(190)}`;
    expect(first.length).toBeGreaterThanOrEqual(200);
    const t = extractNewText(`Approved.\n${first}\nwrote:\nPlease wait.`);
    expect(t.newText).toContain('Please wait.');
  });

  it('joins a first line just under 200 characters', () => {
    const first = `On Fri, Nov 20, 2026 ${'x'.repeat(178)}`;
    expect(first.length).toBe(199);
    expect(extractNewText(`Approved.\n${first}\nwrote:\nPlease wait.`).newText).toBe('Approved.');
  });

  it('does not take a line over 400 characters for an attribution', () => {
    const line = `On Fri, Nov 20, 2026 ${'y'.repeat(390)} wrote:`;
    expect(extractNewText(`Approved.\n${line}\nPlease wait.`).newText).toContain('Please wait.');
    const ok = `On Fri, Nov 20, 2026 ${'y'.repeat(370)} wrote:`;
    expect(ok.length).toBeLessThanOrEqual(400);
    expect(extractNewText(`Approved.\n${ok}\nPlease wait.`).newText).toBe('Approved.');
  });

  it('does not take a joined attribution of 400 characters or more', () => {
    const first = `On Fri, Nov 20, 2026 ${'x'.repeat(170)}`;
    const second = `${'z'.repeat(220)} wrote:`;
    expect(extractNewText(`Approved.\n${first}\n${second}\nPlease wait.`).newText).toContain('Please wait.');
  });

  it('keeps a line ending "wrote:" joined with a dateless line', () => {
    expect(extractNewText('Approved.\nOn the matter\nPat wrote:\nPlease wait.').newText).toContain('Please wait.');
  });

  it('reads an attribution at the very end as quoted, with nothing after it', () => {
    const t = extractNewText('Approved.\nOn Fri, Nov 20, 2026 Pat <pm@riversidefm.org> wrote:');
    expect(t.newText).toBe('Approved.');
    expect(t.quoted).toBe('On Fri, Nov 20, 2026 Pat <pm@riversidefm.org> wrote:');
  });
});

describe('new text: Outlook headers and separators', () => {
  it('drops an Outlook block with two header fields within seven lines', () => {
    const t = extractNewText('Go ahead.\nFrom: API Partners\nSent: Friday\nTo: Pat\nDo not approve yet.');
    expect(t.newText).toBe('Go ahead.');
    expect(t.quoted).toBe('From: API Partners\nSent: Friday\nTo: Pat\nDo not approve yet.');
  });

  it('accepts Outlook’s bold "*From:*" marker in text', () => {
    expect(extractNewText('Go ahead.\n*From:* API Partners\n*Sent:* Friday\n*To:* Pat\nOld.').newText).toBe('Go ahead.');
  });

  it('keeps a "From:" line followed by only one header field', () => {
    const t = extractNewText('Go ahead.\nFrom: our side all is done.\nTo: be sure, wait for Friday.\nThanks');
    expect(t.newText).toBe('Go ahead.\nFrom: our side all is done.\nTo: be sure, wait for Friday.\nThanks');
  });

  it('looks for the fields only in the seven lines after "From:"', () => {
    const far = extractNewText('Go ahead.\nFrom: Pat\n1\n2\n3\n4\n5\n6\nSent: Friday\nTo: Pat');
    expect(far.newText).toContain('From: Pat');
    const near = extractNewText('Go ahead.\nFrom: Pat\n1\n2\n3\n4\nSent: Friday\nTo: Pat');
    expect(near.newText).toBe('Go ahead.');
  });

  it('needs text after "From:"', () => {
    expect(extractNewText('Go ahead.\nFrom:\nSent: Friday\nTo: Pat').newText).toBe('Go ahead.\nFrom:\nSent: Friday\nTo: Pat');
  });

  it('does not read a word that merely starts with "from" as the header', () => {
    expect(extractNewText('Go ahead.\nFromage: cheese\nSent: Friday\nTo: Pat').newText).toContain('Fromage');
  });

  it.each(['-----Original Message-----', '---------- Forwarded message ---------', 'Begin forwarded message:', '-- Ursprüngliche Nachricht --', '  -----Original Message-----  '])('drops everything from the separator "%s"', (sep) => {
    const t = extractNewText(`Approved.\n${sep}\nDo not approve.`);
    expect(t.newText).toBe('Approved.');
    expect(t.quoted).toBe(`${sep}\nDo not approve.`.trim());
  });

  it.each(['-Original Message-', '-----Original Message----- see below', 'See the original message below'])('keeps text after a line that is no separator: "%s"', (line) => {
    expect(extractNewText(`Approved.\n${line}\nDo not approve.`).newText).toContain('Do not approve.');
  });

  it('collects ">" lines as quoted wherever they are, and keeps the rest in order', () => {
    const t = extractNewText('> old\nYes.\n  > indented old\nStill yes.');
    expect(t.newText).toBe('Yes.\nStill yes.');
    expect(t.quoted).toBe('> old\n  > indented old');
  });

  it('drops a mobile "Sent from" line only when it starts the line', () => {
    expect(extractNewText('Approved.\nSent from my iPhone\nWait.').newText).toBe('Approved.\nWait.');
    expect(extractNewText('Approved.\nGet Outlook for Android').newText).toBe('Approved.');
    expect(extractNewText('Approved.\nIt was sent from my iPhone').newText).toBe('Approved.\nIt was sent from my iPhone');
  });

  it('reads Windows and old Mac line ends as line ends', () => {
    expect(extractNewText('Approved.\r\n-----Original Message-----\r\nOld').newText).toBe('Approved.');
    expect(extractNewText('Approved.\r-----Original Message-----\rOld').newText).toBe('Approved.');
  });
});

describe('new text: a trailing legal notice', () => {
  it('drops a notice at the end, with blank lines after it trimmed', () => {
    const t = extractNewText(`Approved for production.\n\nPat\n\n${NOTICE}\n\n\n`);
    expect(t.newText).toBe('Approved for production.\n\nPat');
    expect(t.disclaimer).toBe(NOTICE);
  });

  it('drops a notice split over lines, with a short heading line above it kept as the client’s', () => {
    const lines = 'Approved for production.\nPat Quinn\nCONFIDENTIALITY NOTICE\nThis e-mail is intended solely for the addressee and may contain privileged information.\nIf you are not the intended recipient, please notify the sender and delete all copies.';
    const t = extractNewText(lines);
    expect(t.newText).toBe('Approved for production.\nPat Quinn\nCONFIDENTIALITY NOTICE');
    expect(t.disclaimer).toBe('This e-mail is intended solely for the addressee and may contain privileged information.\nIf you are not the intended recipient, please notify the sender and delete all copies.');
  });

  it('keeps a notice that is not at the end', () => {
    const t = extractNewText(`${NOTICE}\nWe approve Acme Scheduler for production today.`);
    expect(t.newText).toBe(`${NOTICE}\nWe approve Acme Scheduler for production today.`);
    expect(t.disclaimer).toBe('');
  });

  it('keeps a short line that holds something back, and the notice above it', () => {
    const t = extractNewText(`Approved.\n${NOTICE}\nNot yet.`);
    expect(t.newText).toBe(`Approved.\n${NOTICE}\nNot yet.`);
    expect(t.disclaimer).toBe('');
  });

  it.each(['Wait?', 'no', "don't", 'hold', 'until then', 'pending', 'stop', 'later', 'noch nicht', 'pas', 'todavía', 'aún'])('does not take the short line "%s" for part of a notice', (short) => {
    expect(extractNewText(`Approved.\n${NOTICE}\n${short}`).disclaimer).toBe('');
  });

  it('lets a short harmless line end the notice', () => {
    expect(extractNewText(`Approved.\n${NOTICE}\nThank you.`).disclaimer).toBe(`${NOTICE}\nThank you.`);
  });

  it('needs at least 120 characters of notice', () => {
    const short = 'This is confidential and privileged.';
    expect(extractNewText(`Approved.\n${short}`).disclaimer).toBe('');
  });

  it('needs two different markers, not one said many times', () => {
    const one = 'This message is confidential. The attachment is confidential as well. The contents are confidential to the reader only here.';
    expect(one.length).toBeGreaterThanOrEqual(120);
    expect(extractNewText(`Approved.\n${one}`).disclaimer).toBe('');
    const two = 'This message is confidential. The attachment is privileged as well. The contents are confidential to the reader only here ok.';
    expect(extractNewText(`Approved.\n${two}`).disclaimer).toBe(two);
  });

  it('keeps a legal-looking sentence that names timing, the environments or the identifiers', () => {
    const sneaky = 'This message is confidential and privileged. If you are not the intended recipient, do not forward the production credentials.';
    const t = extractNewText(`Approved.\n${sneaky}`);
    expect(t.disclaimer).toBe('');
    expect(t.newText).toContain('production credentials');
  });

  it('keeps a long sentence without any legal marker at the end', () => {
    const plain = 'We have reviewed everything with our team over the last few days and everyone is happy with the outcome so far, really.';
    expect(extractNewText(`Approved.\n${plain}\n${NOTICE}`).newText).toBe(`Approved.\n${plain}`);
    expect(extractNewText(`Approved.\n${NOTICE}\n${plain}`).disclaimer).toBe('');
  });

  it('reads a sentence of four words or fewer inside a notice line as harmless', () => {
    const line = `Important. ${NOTICE}`;
    expect(extractNewText(`Approved.\n${line}`).disclaimer).toBe(line);
  });

  it.each([
    'This communication may contain protected health information (PHI) covered by HIPAA. Dissemination, distribution or copying is strictly prohibited.',
    'Diese E-Mail ist vertraulich und nur für den Empfänger bestimmt. Wenn Sie sie irrtümlich erhalten haben, löschen Sie sie bitte sofort.',
    'Ce message est confidentiel et destiné uniquement à son destinataire. Si vous le recevez par erreur, merci de le détruire et informer l’expéditeur.',
    'Este mensaje es confidencial y va dirigido solo al destinatario. Si lo recibe por error, notifíquelo y proceda a eliminar el mensaje por completo.',
    'If you have received this in error, contact the sender immediately. Unauthorized review or use is strictly forbidden by applicable privacy law.',
    'Recipients must not copy, print or retain this message or rely on the contents; please destroy every copy of the e-mail as received in error.',
    'The information is intended only for the person to whom it is addressed. Any unauthorised disclosure of this email may be unlawful and is prohibited.',
  ])('drops the trailing notice "%s"', (notice) => {
    const t = extractNewText(`Approved.\n\n${notice}`);
    expect(t.disclaimer).toBe(notice);
    expect(t.newText).toBe('Approved.');
  });

  it('reads at most 80 lines from the end for a notice', () => {
    const many = Array.from({ length: 85 }, () => 'Thank you.').join('\n');
    const t = extractNewText(`Approved.\n${NOTICE}\n${many}`);
    expect(t.disclaimer).toBe('');
    const fewer = Array.from({ length: 78 }, () => 'Thank you.').join('\n');
    expect(extractNewText(`Approved.\n${NOTICE}\n${fewer}`).disclaimer).toBe(`${NOTICE}\n${fewer}`);
  });
});

describe('new text: the signature', () => {
  it('reports the lines after "-- " as the signature, still part of the new text', () => {
    const t = extractNewText('Approved.\n-- \nPat Quinn\nPractice Manager');
    expect(t.newText).toBe('Approved.\n-- \nPat Quinn\nPractice Manager');
    expect(t.signature).toBe('Pat Quinn\nPractice Manager');
  });

  it('accepts "--" without the space, and a separator on the first line', () => {
    expect(extractNewText('Approved.\n--\nPat').signature).toBe('Pat');
    expect(extractNewText('--\nPat\nQuinn').signature).toBe('--\nPat\nQuinn'.replace(/^--\n/, ''));
  });

  it('has no signature without a separator line, but splits one a flowed join put inline (RFC 3676)', () => {
    expect(extractNewText('Approved. -- Pat').signature).toBe('Pat');
    expect(extractNewText('Approved. -- Pat').newText).toBe('Approved.\n-- \nPat');
    expect(extractNewText('Approved.\n--- \nPat').signature).toBe('');
  });
});
