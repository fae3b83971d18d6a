/**
 * A message decided at start-up, shaped like the mail the desk gets (text and HTML, a reply above a
 * quoted thread, a signature and a notice), so that lazily loaded parts (models, lists) are loaded and
 * the code every message runs through is compiled then, not while the first real message waits.
 */
const WARM_UP_TEXT = 'Hello,\r\n\r\nWe approve Warm Up App for our production environment.\r\n\r\nBest regards\r\nPat\r\n\r\nCONFIDENTIALITY NOTICE: this e-mail is for the intended recipient only.\r\n\r\nOn Fri, Nov 20, 2026 at 4:12 PM Partners <partners@countersign.invalid> wrote:\r\n> Please reply with your approval.\r\n';
export const WARM_UP = Buffer.from(
  [
    'From: Warm Up <warm-up@countersign.invalid>',
    'To: partners@countersign.invalid',
    'Subject: RE: warm-up',
    'Message-ID: <warm-up@countersign.invalid>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/alternative; boundary="w"',
    '',
    '--w',
    'Content-Type: text/plain; charset=utf-8',
    '',
    WARM_UP_TEXT,
    '--w',
    'Content-Type: text/html; charset=utf-8',
    '',
    `<html><body><div dir="ltr"><p>Hello,</p><p>We approve Warm Up App for our production environment.</p><p style="font-size:8pt">CONFIDENTIALITY NOTICE: this e-mail is for the intended recipient only.</p></div><div class="gmail_quote"><blockquote>Please reply with your approval.<br></blockquote></div></body></html>`,
    '--w--',
    '',
  ].join('\r\n'),
);
