import { describe, expect, it } from 'vitest';
import { extractNewText } from '../../src/core/new-text.js';

/**
 * Boundaries of the extraction that the first mutation round left unpinned: the length windows of
 * attributions, joined flowed lines and legal notices, the exact shape of each separator, and the
 * trims. Each scenario asserts every field, so that a rule drifting either way shows.
 */

const NOTICE =
  'CONFIDENTIALITY NOTICE: This e-mail is intended solely for the addressee and may contain privileged information. If you are not the intended recipient, please notify the sender and delete all copies.';
const ATTR = 'On Fri, Nov 20, 2026 at 4:12 PM Pat Quinn wrote:';

/** A legal line of exactly `n` characters (n ≥ 60) carrying two markers. */
function legalOfLength(n: number): string {
  const head = 'This message is confidential and privileged';
  const line = `${head}${' notice'.repeat(30)}`.slice(0, n - 1);
  return `${line.trimEnd()}${'.'.repeat(n - line.trimEnd().length)}`;
}

describe('new text: attribution lines', () => {
  it.each([
    ['a verb followed by more than a colon', 'On Mon the lead wrote-up:'],
    ['text after the colon', 'On Mon Pat wrote:-)'],
    ['a verb-first line that goes on after its colon', 'Am 20.11.2026 schrieb Pat: wir warten noch.'],
    ['a verb-first line with a smiley after its colon', 'Am 20.11.2026 schrieb Pat:-)'],
    ['"5:ab", which is no time of day', 'On 5:ab Pat wrote:'],
    ['"x:12", which is no time of day', 'On x:12 Pat wrote:'],
    ['an address whose domain has a one-letter top level', 'pat@host.c wrote:'],
    ['a date but neither "On" nor an address', 'Last Monday Pat wrote:'],
  ])('keeps a line that is not an attribution: %s', (_, line) => {
    expect(extractNewText(`Hello.\n${line}\nWe approve Acme.`)).toEqual({ newText: `Hello.\n${line}\nWe approve Acme.`, quoted: '', signature: '', disclaimer: '' });
  });

  it('recognises an indented attribution', () => {
    expect(extractNewText(`Hello.\n   ${ATTR}\nold`)).toEqual({ newText: 'Hello.', quoted: `${ATTR}\nold`, signature: '', disclaimer: '' });
  });

  it('recognises an attribution of exactly 400 characters, and keeps one of 401', () => {
    const at = (n: number) => `On Fri, Nov 20, 2026, ${'blah '.repeat(80)}`.slice(0, n - ' Pat wrote:'.length) + ' Pat wrote:';
    const l400 = at(400);
    const l401 = at(401);
    expect([l400.length, l401.length]).toEqual([400, 401]);
    expect(extractNewText(`Hello.\n${l400}\nold`)).toEqual({ newText: 'Hello.', quoted: `${l400}\nold`, signature: '', disclaimer: '' });
    expect(extractNewText(`Hello.\n${l401}\nold`)).toEqual({ newText: `Hello.\n${l401}\nold`, quoted: '', signature: '', disclaimer: '' });
  });

  it('joins a wrapped attribution only while its first line is shorter than 200 characters', () => {
    const first = (n: number) => `On Fri, Nov 20, 2026 at 4:12 PM ${'zz '.repeat(80)}`.slice(0, n).trimEnd().padEnd(n, 'z');
    const l199 = first(199);
    const l200 = first(200);
    expect(extractNewText(`Hello.\n${l199}\nPat Quinn wrote:\nold`)).toEqual({ newText: 'Hello.', quoted: `${l199}\nPat Quinn wrote:\nold`, signature: '', disclaimer: '' });
    expect(extractNewText(`Hello.\n${l200}\nPat Quinn wrote:\nold`)).toEqual({ newText: `Hello.\n${l200}\nPat Quinn wrote:\nold`, quoted: '', signature: '', disclaimer: '' });
  });

  it('measures a wrapped attribution with its second line trimmed, and only below 400 characters', () => {
    const first = `On Fri, Nov 20, 2026 at 4:12 PM ${'zz '.repeat(60)}`.slice(0, 199).trimEnd().padEnd(199, 'z');
    const indented = `${' '.repeat(300)}Pat Quinn wrote:`;
    expect(extractNewText(`Hello.\n${first}\n${indented}\nold`)).toEqual({ newText: 'Hello.', quoted: `${first}\n${indented}\nold`, signature: '', disclaimer: '' });
    const second = `${'yy '.repeat(70)}`.slice(0, 200 - ' Pat wrote:'.length).trimEnd().padEnd(200 - ' Pat wrote:'.length, 'y') + ' Pat wrote:';
    expect(`${first} ${second}`.length).toBe(400);
    expect(extractNewText(`Hello.\n${first}\n${second}\nold`)).toEqual({ newText: `Hello.\n${first}\n${second}\nold`, quoted: '', signature: '', disclaimer: '' });
  });

  it('skips blank lines holding spaces between an attribution and its ">" lines', () => {
    expect(extractNewText(`${ATTR}\n   \n> Can you approve?\nApproved.`)).toEqual({ newText: 'Approved.', quoted: `${ATTR}\n   \n> Can you approve?`, signature: '', disclaimer: '' });
  });
});

describe('new text: a flowed line that swallowed an attribution', () => {
  it('splits "approve On … wrote:" into the client\'s word and the attribution', () => {
    expect(extractNewText(`approve ${ATTR}\n> old`)).toEqual({ newText: 'approve', quoted: `${ATTR}\n> old`, signature: '', disclaimer: '' });
  });

  it('splits "approve  On … wrote:" (two spaces) without a trailing space on the kept word', () => {
    expect(extractNewText(`approve  ${ATTR}\n> old\nThanks`)).toEqual({ newText: 'approve\nThanks', quoted: `${ATTR}\n> old`, signature: '', disclaimer: '' });
  });

  it('splits an indented joined line without keeping the indent, and quotes the attribution trimmed', () => {
    expect(extractNewText(`Hello\n  approve ${ATTR}  \n> old`)).toEqual({ newText: 'Hello\napprove', quoted: `${ATTR}\n> old`, signature: '', disclaimer: '' });
  });

  it('still splits a joined line of exactly 600 characters (trailing spaces included)', () => {
    const line = `approve ${ATTR}`.padEnd(600, ' ');
    expect(extractNewText(`${line}\n> old`)).toEqual({ newText: 'approve', quoted: `${ATTR}\n> old`, signature: '', disclaimer: '' });
  });

  it('keeps whole a joined line longer than 600 characters (trailing spaces included)', () => {
    const line = `approve ${ATTR}`.padEnd(601, ' ');
    expect(extractNewText(`${line}\n> old`)).toEqual({ newText: `approve ${ATTR}`, quoted: '> old', signature: '', disclaimer: '' });
  });

  it('keeps whole a line whose would-be attribution runs on for more than 300 characters', () => {
    // Cut after 300 characters, the tail would read as a verb-first attribution ("Am … schrieb …:").
    const tail = `20.11.2026 ${'z'.repeat(179)} schrieb ${'z'.repeat(100)}:`;
    expect(tail.length).toBe(300);
    const line = `ok Am ${tail} and Pat wrote:`;
    expect(extractNewText(`${line}\nold`)).toEqual({ newText: `${line}\nold`, quoted: '', signature: '', disclaimer: '' });
  });

  it('splits a joined line with up to 400 characters before the attribution, and keeps a longer one whole', () => {
    const before = 'approve and more '.repeat(23).trimEnd();
    expect(before.length).toBeGreaterThan(200);
    expect(extractNewText(`${before} ${ATTR}\n> old`)).toEqual({ newText: before, quoted: `${ATTR}\n> old`, signature: '', disclaimer: '' });
    const longer = 'approve and more '.repeat(24).trimEnd();
    expect(longer.length).toBeGreaterThan(400);
    expect(extractNewText(`${longer} ${ATTR}\n> old`)).toEqual({ newText: `${longer} ${ATTR}`, quoted: '> old', signature: '', disclaimer: '' });
  });

  it('does not split a line whose German attribution puts the verb first but is no joined line', () => {
    const line = 'ok Am 20.11.2026 um 16:12 schrieb Pat <pm@riversidefm.de>:';
    expect(extractNewText(`${line}\nWir warten.`)).toEqual({ newText: `${line}\nWir warten.`, quoted: '', signature: '', disclaimer: '' });
  });
});

describe('new text: a flowed line that swallowed a signature separator', () => {
  it('splits "approve  -- Jordan" with two spaces before the dashes', () => {
    expect(extractNewText('approve  -- Jordan')).toEqual({ newText: 'approve\n-- \nJordan', quoted: '', signature: 'Jordan', disclaimer: '' });
  });

  it('splits an indented line without keeping the indent', () => {
    expect(extractNewText('Hello\n  approve -- Jordan')).toEqual({ newText: 'Hello\napprove\n-- \nJordan', quoted: '', signature: 'Jordan', disclaimer: '' });
  });

  it('splits a line of exactly 300 characters (trailing spaces) and keeps one of 301 whole', () => {
    expect(extractNewText('approve -- Jordan'.padEnd(300, ' '))).toEqual({ newText: 'approve\n-- \nJordan', quoted: '', signature: 'Jordan', disclaimer: '' });
    expect(extractNewText('approve -- Jordan'.padEnd(301, ' '))).toEqual({ newText: 'approve -- Jordan', quoted: '', signature: '', disclaimer: '' });
  });

  it('keeps whole a line whose text before " -- " is longer than 200 characters', () => {
    const line = `${'approve '.repeat(30)}-- Jordan`;
    expect(extractNewText(line)).toEqual({ newText: line.trim(), quoted: '', signature: '', disclaimer: '' });
  });

  it('keeps whole a line whose tail after " -- " is longer than 60 characters', () => {
    const line = `approve -- ${'x'.repeat(70)}`;
    expect(extractNewText(line)).toEqual({ newText: line, quoted: '', signature: '', disclaimer: '' });
  });

  it('trims the lines below a signature separator', () => {
    expect(extractNewText('Approved.\n-- \n   Jordan Lee')).toEqual({ newText: 'Approved.\n-- \n   Jordan Lee', quoted: '', signature: 'Jordan Lee', disclaimer: '' });
  });
});

describe('new text: separators and Outlook header blocks', () => {
  it.each([
    ['Begin forwarded message'],
    ['Début du message réexpédié'],
    ['Début du message réexpédié:'],
    ['Début du message réexpédié :'],
  ])('treats "%s" as a separator', (sep) => {
    expect(extractNewText(`Approved.\n${sep}\nold`)).toEqual({ newText: 'Approved.', quoted: `${sep}\nold`, signature: '', disclaimer: '' });
  });

  it.each([
    ['a separator not at the start of the line', 'See below -----Original Message-----'],
    ['a separator followed by more than spaces', 'Begin forwarded message::'],
  ])('keeps %s', (_, line) => {
    expect(extractNewText(`Approved.\n${line}\nold`)).toEqual({ newText: `Approved.\n${line}\nold`, quoted: '', signature: '', disclaimer: '' });
  });

  it('treats a "From:" with two spaces and "Sent :"/"To :" fields as a header block', () => {
    const block = 'From:  Pat Quinn\nSent : Monday\nTo : Jo\nold';
    expect(extractNewText(`Approved.\n${block}`)).toEqual({ newText: 'Approved.', quoted: block, signature: '', disclaimer: '' });
  });

  it('keeps a "From:" line whose "to:" and "subject:" stand mid-line', () => {
    const text = 'Approved.\nFrom: Pat\nPlease reply to: Jo\nRe subject: test';
    expect(extractNewText(text)).toEqual({ newText: text, quoted: '', signature: '', disclaimer: '' });
  });

  it('keeps a "(From:" line, and counts no quoted ">Sent:" field', () => {
    expect(extractNewText('Approved.\n(From: Pat\nSent: Mon\nTo: Jo')).toEqual({ newText: 'Approved.\n(From: Pat\nSent: Mon\nTo: Jo', quoted: '', signature: '', disclaimer: '' });
    expect(extractNewText('Approved.\nFrom: Pat\n>Sent: Mon\n>To: Jo')).toEqual({ newText: 'Approved.\nFrom: Pat', quoted: '>Sent: Mon\n>To: Jo', signature: '', disclaimer: '' });
  });

  it('counts only the fields below "From:", not the line above it', () => {
    const text = 'Approved.\nTo: Jo\nFrom: Pat\nSent: Mon\nold';
    expect(extractNewText(text)).toEqual({ newText: text, quoted: '', signature: '', disclaimer: '' });
  });
});

describe('new text: mobile footers', () => {
  it('drops "Von meinem iPhone gesendet" and an indented "Sent from my iPhone"', () => {
    expect(extractNewText('Approved.\nVon meinem iPhone gesendet\n  Sent from my iPhone')).toEqual({ newText: 'Approved.', quoted: '', signature: '', disclaimer: '' });
  });
});

describe('new text: legal notice markers', () => {
  it.each([
    ['"intended for"', 'This message is intended for the named addressee only.'],
    ['"delete" far from "copies"', 'Kindly delete every one of these copies from your systems.'],
    ['"destroy … email"', 'Please destroy the whole email right away.'],
    ['"unauthorized"', 'Any unauthorized review of its content is unlawful.'],
    ['"forward … this message" with words between', 'Do not forward or print any part of this message.'],
    ['"forward this email"', 'Never forward this email to others.'],
    ['"rely on the content"', 'Do not rely on the content of it.'],
  ])('cuts a notice whose sentence carries only %s', (_, sentence) => {
    const notice = `${sentence} If you are not the intended recipient, please notify the sender and delete all copies.`;
    expect(extractNewText(`Approved.\n\n${notice}`)).toEqual({ newText: 'Approved.', quoted: '', signature: '', disclaimer: notice });
  });

  it.each(['credential', 'identifier', 'ID', 'golive'])('keeps a notice whose sentence names "%s"', (word) => {
    const text = `Approved.\n${NOTICE} This confidential ${word} is privileged.`;
    expect(extractNewText(text)).toEqual({ newText: text, quoted: '', signature: '', disclaimer: '' });
  });

  it.each(['dont', 'apres', 'despues'])('ends a notice at a short line "%s" that holds something back', (word) => {
    expect(extractNewText(`Approved.\n${NOTICE}\n${word}\n${NOTICE}`)).toEqual({ newText: `Approved.\n${NOTICE}\n${word}`, quoted: '', signature: '', disclaimer: NOTICE });
  });

  it('lets a four-word sentence without markers sit inside a notice line', () => {
    expect(extractNewText(`Approved.\n${NOTICE} Thank you very much.`)).toEqual({ newText: 'Approved.', quoted: '', signature: '', disclaimer: `${NOTICE} Thank you very much.` });
  });
});

describe('new text: legal notice windows', () => {
  it('cuts a notice that is the whole message', () => {
    expect(extractNewText(NOTICE)).toEqual({ newText: '', quoted: '', signature: '', disclaimer: NOTICE });
  });

  it('reads at most 80 lines from the end', () => {
    const notice = Array.from({ length: 80 }, () => NOTICE).join('\n');
    expect(extractNewText(`Approved.\n${notice}`)).toEqual({ newText: 'Approved.', quoted: '', signature: '', disclaimer: notice });
    const longer = `${NOTICE}\n${notice}`;
    expect(extractNewText(`Approved.\n${longer}`)).toEqual({ newText: `Approved.\n${NOTICE}`, quoted: '', signature: '', disclaimer: notice });
  });

  it('measures only the notice, not the client text above it', () => {
    const text = 'We approve Acme for production, and this decision is long enough to pass a hundred and twenty characters on its own line.\nThis e-mail is confidential and privileged.';
    expect(extractNewText(text)).toEqual({ newText: text, quoted: '', signature: '', disclaimer: '' });
  });

  it('cuts a notice of exactly 120 characters and keeps one of 119', () => {
    const l120 = legalOfLength(120);
    const l119 = legalOfLength(119);
    expect([l120.length, l119.length]).toEqual([120, 119]);
    expect(extractNewText(`Approved.\n${l120}`)).toEqual({ newText: 'Approved.', quoted: '', signature: '', disclaimer: l120 });
    expect(extractNewText(`Approved.\n${l119}`)).toEqual({ newText: `Approved.\n${l119}`, quoted: '', signature: '', disclaimer: '' });
  });

  it('counts the space joining two notice lines (60 + 1 + 59 = 120)', () => {
    const a = legalOfLength(60);
    const b = legalOfLength(59 + 1).slice(1);
    expect(`${a} ${b}`.length).toBe(120);
    expect(extractNewText(`Approved.\n${a}\n${b}`)).toEqual({ newText: 'Approved.', quoted: '', signature: '', disclaimer: `${a}\n${b}` });
  });

  it('does not count trailing blank lines (even with spaces) towards the 120 characters', () => {
    const l119 = legalOfLength(119);
    expect(extractNewText(`Approved.\n${l119}\n   \n\n`)).toEqual({ newText: `Approved.\n${l119}`, quoted: '', signature: '', disclaimer: '' });
  });

  it('returns nothing at all for a message of blank lines', () => {
    expect(extractNewText('   \n\n')).toEqual({ newText: '', quoted: '', signature: '', disclaimer: '' });
  });

  it('trims an indented notice', () => {
    expect(extractNewText(`Approved.\n   ${NOTICE}`)).toEqual({ newText: 'Approved.', quoted: '', signature: '', disclaimer: NOTICE });
  });
});

describe('new text: a long flowed line ending in an attribution keeps the client’s sentence', () => {
  const ATTRIBUTION = 'On Fri, Nov 20, 2026 at 4:12 PM Pat Quinn <pm@riversidefm.org> wrote:';
  it('a hold of more than 200 characters joined to the attribution stays in the new text, never in the quote', () => {
    const hold = `Please hold off on production and do not send any credentials until our compliance officer has reviewed the integration and signed the business associate agreement, which should happen on Monday.`.padEnd(208, '!');
    const text = `Approved.\n${hold} ${ATTRIBUTION}\n> Could you confirm?`;
    const r = extractNewText(text);
    expect(r.newText).toContain('Please hold off on production');
    expect(r.newText).toContain('Approved.');
    expect(r.quoted).not.toContain('Please hold off');
  });

  it('a name-and-address attribution of up to 200 characters is still read as one', () => {
    const line = `Pat Quinn, Practice Manager, Riverside Family Medicine <pm@riversidefm.org> wrote:`;
    expect(extractNewText(`Approved.\n\n${line}\nold text`)).toEqual({ newText: 'Approved.', quoted: `${line}\nold text`, signature: '', disclaimer: '' });
  });
});
