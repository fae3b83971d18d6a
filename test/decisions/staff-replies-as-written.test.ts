import { describe, expect, it } from 'vitest';
import { loadPhraseLists } from '../../src/adapters/load-phrases.js';
import { parseMail } from '../../src/adapters/parse-mail.js';
import { extractNewText } from '../../src/core/new-text.js';
import { normalizeText } from '../../src/core/normalize-text.js';
import { parseStaffCommand } from '../../src/core/staff-command.js';

const lex = loadPhraseLists();
const NOTICE = 'Reply APPROVE to record the Production approval of Acme Scheduler for Riverside Family Medicine, or REJECT.';

/** A staff reply as its mail program sends it, parsed by mailparser and read as the daemon reads it. */
async function commandOf(body: string, contentType = 'text/plain; charset=utf-8'): Promise<ReturnType<typeof parseStaffCommand>> {
  const raw = `From: Jordan <ops@partners.example>\r\nTo: apipartners@partners.example\r\nSubject: Re: [CS-7KQ2M9XR0ABCD] Flagged: Acme Scheduler\r\nContent-Type: ${contentType}\r\n\r\n${body.replace(/\n/g, '\r\n')}\r\n`;
  const mail = await parseMail(Buffer.from(raw));
  return parseStaffCommand(extractNewText(normalizeText(mail.text)).newText, lex);
}

describe('staff replies as people write them', () => {
  it('finds a command written below the quote, as mutt and NeoMutt bottom-post', async () => {
    const body = `On Mon, Nov 23, 2026 at 10:02:11AM -0500, API Partners wrote:\n> [CS-7KQ2M9XR0ABCD] Flagged: Acme Scheduler\n>\n> ${NOTICE}\n\napprove\n\n-- \nJordan`;
    expect(await commandOf(body)).toEqual({ kind: 'approve' });
  });

  it('finds a command written between quoted blocks', async () => {
    const body = `> Why: the sender could not be authenticated.\n\nreject\n\n> ${NOTICE}`;
    expect(await commandOf(body)).toEqual({ kind: 'reject' });
  });

  it('does not let a format=flowed trailing space join the command to the attribution line (RFC 3676)', async () => {
    const body = `approve \nOn Mon, Nov 23, 2026 at 10:02 AM API Partners <apipartners@partners.example> wrote:\n> ${NOTICE} \n> Thanks.`;
    expect(await commandOf(body, 'text/plain; charset=utf-8; format=flowed')).toEqual({ kind: 'approve' });
  });

  it('reads a command with trailing spaces and an iPhone signature above the quote', async () => {
    const body = `Approve   \n\nSent from my iPhone\n\n> On Nov 23, 2026, at 10:02, API Partners <apipartners@partners.example> wrote:\n>\n> ${NOTICE}`;
    expect(await commandOf(body)).toEqual({ kind: 'approve' });
  });

  it('answers "not understood" to a bottom-posted command that a later line hedges', async () => {
    const body = `> ${NOTICE}\n\napprove\nbut only if legal agrees`;
    expect((await commandOf(body)).kind).toBe('unknown');
  });
});
