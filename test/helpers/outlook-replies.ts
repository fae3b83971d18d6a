/**
 * Replies to a Countersign notice written as Outlook writes them: Outlook for Windows (Microsoft
 * 365 Apps) and Outlook on the web, each top-posted above its "From: / Sent: / To: / Subject:" block.
 */
import { alternative, head, hex, html, lines, OUR, US, type Notice, type Writer } from './mime-parts.js';

/**
 * Outlook for Windows (Microsoft 365 Apps) replying in HTML to a plain-text notice: top-posted, the
 * "From: / Sent: / To: / Subject:" block (bold in HTML, under a border), Word's HTML with
 * `MsoNormal` paragraphs and `<o:p>`, the original's lines as `MsoPlainText` paragraphs.
 */
export function outlookDesktopReply(n: Notice, w: Writer, top: string[]): string {
  const boundary = `----=_NextPart_000_0001_01DB3DF5.${hex(8)}`;
  const headers = head(w, [
    ['From', `"${w.name}" <${w.address}>`],
    ['To', `"${US}" <${OUR}>`],
    ['References', n.messageId],
    ['In-Reply-To', n.messageId],
    ['Subject', `RE: ${n.subject}`],
    ['Date', 'Mon, 23 Nov 2026 10:14:02 -0500'],
    ['Message-ID', `<000001db3e1f$${hex(8).toLowerCase()}$${hex(8).toLowerCase()}$@partners.example>`],
    ['MIME-Version', '1.0'],
    ['Content-Type', `multipart/alternative;\r\n\tboundary="${boundary}"`],
    ['X-Mailer', 'Microsoft Outlook 16.0'],
    ['Thread-Index', 'AQHbPh+KK3xAnoJ0wEChrN2bX8wEkbG3sIaw'],
    ['Content-Language', 'en-us'],
  ]);
  const plain = [...top, '', `From: ${US} <${OUR}> `, 'Sent: Monday, November 23, 2026 10:02 AM', `To: ${w.name} <${w.address}>`, `Subject: ${n.subject}`, '', ...lines(n.text)].join('\n');
  const p = (s: string, cls = 'MsoNormal') => (s.trim() === '' ? `<p class=${cls}><o:p>&nbsp;</o:p></p>` : `<p class=${cls}>${html(s)}<o:p></o:p></p>`);
  const page = [
    '<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:w="urn:schemas-microsoft-com:office:word" xmlns:m="http://schemas.microsoft.com/office/2004/12/omml" xmlns="http://www.w3.org/TR/REC-html40"><head><meta http-equiv=Content-Type content="text/html; charset=us-ascii"><meta name=Generator content="Microsoft Word 15 (filtered medium)"><style><!--',
    '/* Font Definitions */',
    '@font-face\n\t{font-family:"Cambria Math";\n\tpanose-1:2 4 5 3 5 4 6 3 2 4;}',
    '@font-face\n\t{font-family:Aptos;}',
    '/* Style Definitions */',
    'p.MsoNormal, li.MsoNormal, div.MsoNormal\n\t{margin:0in;\n\tfont-size:12.0pt;\n\tfont-family:"Aptos",sans-serif;}',
    'p.MsoPlainText, li.MsoPlainText, div.MsoPlainText\n\t{mso-style-priority:99;\n\tmso-style-link:"Plain Text Char";\n\tmargin:0in;\n\tfont-size:11.0pt;\n\tfont-family:"Aptos",sans-serif;}',
    'span.EmailStyle20\n\t{mso-style-type:personal-reply;\n\tfont-family:"Aptos",sans-serif;\n\tcolor:windowtext;}',
    '.MsoChpDefault\n\t{mso-style-type:export-only;\n\tfont-size:10.0pt;}',
    '@page WordSection1\n\t{size:8.5in 11.0in;\n\tmargin:1.0in 1.0in 1.0in 1.0in;}',
    'div.WordSection1\n\t{page:WordSection1;}',
    '--></style><!--[if gte mso 9]><xml>\n<o:shapedefaults v:ext="edit" spidmax="1026" />\n</xml><![endif]--><!--[if gte mso 9]><xml>\n<o:shapelayout v:ext="edit">\n<o:idmap v:ext="edit" data="1" />\n</o:shapelayout></xml><![endif]--></head>',
    `<body lang=EN-US link="#467886" vlink="#96607D" style='word-wrap:break-word'><div class=WordSection1>${top.map((s) => p(s)).join('')}${p('')}`,
    `<div><div style='border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0in 0in 0in'><p class=MsoNormal><b>From:</b> ${US} &lt;${OUR}&gt; <br><b>Sent:</b> Monday, November 23, 2026 10:02 AM<br><b>To:</b> ${html(w.name)} &lt;${w.address}&gt;<br><b>Subject:</b> ${html(n.subject)}<o:p></o:p></p></div></div>${p('')}`,
    `${lines(n.text)
      .map((s) => p(s, 'MsoPlainText'))
      .join('\n')}</div></body></html>`,
  ].join('\n');
  return `${headers}\r\n\r\n${alternative(
    boundary,
    [
      { type: 'text/plain;\r\n\tcharset="us-ascii"', cte: '7bit', body: plain },
      { type: 'text/html;\r\n\tcharset="us-ascii"', cte: 'quoted-printable', body: page },
    ],
    'This is a multipart message in MIME format.',
  )}`;
}

/**
 * Outlook on the web (new Outlook): top-posted, `elementToProof` divs, the original under an `<hr>`
 * and `divRplyFwdMsg`, and in the plain part a line of underscores before "From: / Sent:".
 */
export function outlookWebReply(n: Notice, w: Writer, top: string[]): string {
  const id = `SA1PR04MB8421${hex(24)}`;
  const boundary = `_000_${id}SA1PR04MB8421namp_`;
  const headers = head(w, [
    ['From', `${w.name} <${w.address}>`],
    ['To', `${US} <${OUR}>`],
    ['Subject', `Re: ${n.subject}`],
    ['Thread-Topic', n.subject],
    ['Thread-Index', 'AQHbPh+KK3xAnoJ0wEChrN2bX8wEkbG3sIaw'],
    ['Date', 'Mon, 23 Nov 2026 15:40:03 +0000'],
    ['Message-ID', `<${id}@${id.slice(0, 13)}.namprd04.prod.outlook.com>`],
    ['References', n.messageId],
    ['In-Reply-To', n.messageId],
    ['Accept-Language', 'en-US'],
    ['Content-Language', 'en-US'],
    ['X-MS-Has-Attach', ''],
    ['X-MS-TNEF-Correlator', ''],
    ['msip_labels', ''],
    ['Content-Type', `multipart/alternative;\r\n\tboundary="${boundary}"`],
    ['MIME-Version', '1.0'],
  ]);
  const plain = [...top, '________________________________', `From: ${US} <${OUR}>`, 'Sent: Monday, November 23, 2026 3:02 PM', `To: ${w.name} <${w.address}>`, `Subject: ${n.subject}`, '', ...lines(n.text)].join('\n');
  const style = 'font-family: Aptos, Aptos_EmbeddedFont, Aptos_MSFontService, Calibri, Helvetica, sans-serif; font-size: 12pt; color: rgb(0, 0, 0);';
  const page = [
    '<html>',
    '<head>',
    '<meta http-equiv="Content-Type" content="text/html; charset=us-ascii">',
    '<style type="text/css" style="display:none;"> P {margin-top:0;margin-bottom:0;} </style>',
    '</head>',
    '<body dir="ltr">',
    ...top.map((s) => `<div class="elementToProof" style="${style}">\n${s.trim() === '' ? '<br>' : html(s)}</div>`),
    '<div id="appendonsend"></div>',
    '<hr style="display:inline-block;width:98%" tabindex="-1">',
    `<div id="divRplyFwdMsg" dir="ltr"><font face="Calibri, sans-serif" style="font-size:11pt" color="#000000"><b>From:</b> ${US} &lt;${OUR}&gt;<br>`,
    '<b>Sent:</b> Monday, November 23, 2026 3:02 PM<br>',
    `<b>To:</b> ${html(w.name)} &lt;${w.address}&gt;<br>`,
    `<b>Subject:</b> ${html(n.subject)}</font>`,
    '<div>&nbsp;</div>',
    '</div>',
    '<div class="BodyFragment"><font size="2"><span style="font-size:11pt;">',
    `<div class="PlainText">${lines(n.text)
      .map((s) => `${html(s)}<br>`)
      .join('\n')}`,
    '</div>',
    '</span></font></div>',
    '</body>',
    '</html>',
  ].join('\n');
  return `${headers}\r\n\r\n${alternative(boundary, [
    { type: 'text/plain; charset="us-ascii"', cte: 'quoted-printable', body: plain },
    { type: 'text/html; charset="us-ascii"', cte: 'quoted-printable', body: page },
  ])}`;
}
