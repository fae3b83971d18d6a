// How real mail programs lay out a reply: where the new text, the signature, the disclaimer and the
// quoted thread go, in the text/plain and text/html parts. Each format is a function of a "letter".
//
// letter = { body: string (new text, paragraphs separated by blank lines), sig?: string[],
//            disclaimer?: string, quote?: { from: {name,address}, to: {name,address}, date: Date,
//            subject: string, body: string } }

export const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const paras = (s) => s.split(/\n{2,}/);
const lines = (p) => p.split('\n').map(esc).join('<br>');
const addr = (p) => `${p.name} <${p.address}>`;
const quoteLines = (s) => s.split('\n').map((l) => (l ? `> ${l}` : '>')).join('\n');

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const hm = (d) => `${((d.getUTCHours() + 11) % 12) + 1}:${String(d.getUTCMinutes()).padStart(2, '0')} ${d.getUTCHours() < 12 ? 'AM' : 'PM'}`;
const longDate = (d) => `${DAYS[d.getUTCDay()]}, ${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()} ${hm(d)}`;
const gmailDate = (d) => `${DAYS[d.getUTCDay()].slice(0, 3)}, ${MONTHS[d.getUTCMonth()].slice(0, 3)} ${d.getUTCDate()}, ${d.getUTCFullYear()} at ${hm(d)}`;
const appleDate = (d) => `${MONTHS[d.getUTCMonth()].slice(0, 3)} ${d.getUTCDate()}, ${d.getUTCFullYear()}, at ${hm(d)}`;
const numDate = (d) => `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${String(d.getUTCFullYear()).slice(2)} ${hm(d)}`;

const sigText = (l) => (l.sig ? `\n\n${l.sig.join('\n')}` : '') + (l.disclaimer ? `\n\n${l.disclaimer}` : '');

/** Outlook for Windows: WordSection1, MsoNormal paragraphs with <o:p>, the From/Sent/To/Subject block. */
function outlookDesktop(l) {
  const p = (t) => `<p class=MsoNormal>${lines(t)}<o:p></o:p></p>\n<p class=MsoNormal><o:p>&nbsp;</o:p></p>`;
  const q = l.quote;
  const header = q ? `From: ${addr(q.from)}\nSent: ${longDate(q.date)}\nTo: ${addr(q.to)}\nSubject: ${q.subject}` : '';
  const text = `${l.body}${sigText(l)}${q ? `\n\n${header}\n\n${q.body}` : ''}\n`;
  const html = `<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:w="urn:schemas-microsoft-com:office:word" xmlns:m="http://schemas.microsoft.com/office/2004/12/omml" xmlns="http://www.w3.org/TR/REC-html40">
<head><meta http-equiv=Content-Type content="text/html; charset=utf-8"><meta name=Generator content="Microsoft Word 15 (filtered medium)">
<style><!--
p.MsoNormal, li.MsoNormal, div.MsoNormal {margin:0in;font-size:11.0pt;font-family:"Calibri",sans-serif;}
@page WordSection1 {size:8.5in 11.0in;margin:1.0in 1.0in 1.0in 1.0in;}
div.WordSection1 {page:WordSection1;}
--></style><!--[if gte mso 9]><xml><o:shapedefaults v:ext="edit" spidmax="1026" /></xml><![endif]--></head>
<body lang=EN-US link="#0563C1" vlink="#954F72" style='word-wrap:break-word'>
<div class=WordSection1>
${paras(l.body).map(p).join('\n')}
${l.sig ? `<p class=MsoNormal><span style='color:#1F3864'>${l.sig.map(esc).join('<br>')}</span><o:p></o:p></p>` : ''}
${l.disclaimer ? `<p class=MsoNormal><span style='font-size:8.0pt;color:gray'>${esc(l.disclaimer)}</span><o:p></o:p></p>` : ''}
${q ? `<p class=MsoNormal><o:p>&nbsp;</o:p></p>
<div style='border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0in 0in 0in'>
<p class=MsoNormal><b>From:</b> ${esc(addr(q.from))} <br><b>Sent:</b> ${longDate(q.date)}<br><b>To:</b> ${esc(addr(q.to))}<br><b>Subject:</b> ${esc(q.subject)}<o:p></o:p></p>
</div>
<p class=MsoNormal><o:p>&nbsp;</o:p></p>
${paras(q.body).map(p).join('\n')}` : ''}
</div>
</body>
</html>
`;
  return { text, html, headers: { 'Thread-Topic': l.subject ?? '', 'Content-Language': 'en-US', 'X-MS-Has-Attach': 'no' }, msgId: 'outlook' };
}

/** Outlook for iOS/Android: "Get Outlook for iOS", a rule, then the reply header. */
function outlookMobile(l) {
  const q = l.quote;
  const header = q ? `________________________________\nFrom: ${addr(q.from)}\nSent: ${longDate(q.date)}\nTo: ${addr(q.to)}\nSubject: ${q.subject}` : '';
  const text = `${l.body}${sigText(l)}\n\nGet Outlook for iOS<https://aka.ms/o0ukef>${q ? `\n${header}\n\n${q.body}` : ''}\n`;
  const html = `<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body>
<div dir="ltr">${paras(l.body).map((t) => `<div dir="ltr">${lines(t)}</div><div dir="ltr"><br></div>`).join('')}</div>
${l.sig ? `<div dir="ltr">${l.sig.map(esc).join('<br>')}</div>` : ''}${l.disclaimer ? `<div dir="ltr" style="font-size:8pt">${esc(l.disclaimer)}</div>` : ''}
<div dir="ltr">Get <a href="https://aka.ms/o0ukef">Outlook for iOS</a></div>
${q ? `<hr style="display:inline-block;width:98%" tabindex="-1"><div id="divRplyFwdMsg" dir="ltr"><font face="Calibri, sans-serif" style="font-size:11pt" color="#000000"><b>From:</b> ${esc(addr(q.from))}<br><b>Sent:</b> ${longDate(q.date)}<br><b>To:</b> ${esc(addr(q.to))}<br><b>Subject:</b> ${esc(q.subject)}</font><div>&nbsp;</div></div>
<div>${paras(q.body).map((t) => `<div>${lines(t)}</div><div><br></div>`).join('')}</div>` : ''}
</body></html>
`;
  return { text, html, headers: { 'Thread-Topic': l.subject ?? '' }, msgId: 'outlook' };
}

/** Gmail: "On … wrote:" and > quoting in text; gmail_quote div with a blockquote in HTML. */
function gmail(l) {
  const q = l.quote;
  const attr = q ? `On ${gmailDate(q.date)} ${q.from.name} <${q.from.address}> wrote:` : '';
  const sig = l.sig ? `\n\n-- \n${l.sig.join('\n')}` : '';
  const text = `${l.body}${sig}${l.disclaimer ? `\n\n${l.disclaimer}` : ''}${q ? `\n\n${attr}\n\n${quoteLines(q.body)}` : ''}\n`;
  const html = `<div dir="ltr">${paras(l.body).map((t) => `<div>${lines(t)}</div><div><br></div>`).join('')}${l.sig ? `<div><br></div><span class="gmail_signature_prefix">-- </span><br><div dir="ltr" class="gmail_signature"><div dir="ltr">${l.sig.map(esc).join('<br>')}</div></div>` : ''}${l.disclaimer ? `<div><br></div><div><font size="1" color="#888888">${esc(l.disclaimer)}</font></div>` : ''}</div>${q ? `<br><div class="gmail_quote gmail_quote_container"><div dir="ltr" class="gmail_attr">${esc(attr)}<br></div><blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex">${paras(q.body).map((t) => `<div>${lines(t)}</div><div><br></div>`).join('')}</blockquote></div>` : ''}
`;
  return { text, html, msgId: 'gmail' };
}

/** Apple Mail on macOS: blockquote type="cite" in HTML, "On …, at …, X wrote:" in text. */
function appleMail(l) {
  const q = l.quote;
  const attr = q ? `On ${appleDate(q.date)}, ${q.from.name} <${q.from.address}> wrote:` : '';
  const text = `${l.body}${sigText(l)}${q ? `\n\n${attr}\n\n${quoteLines(q.body)}` : ''}\n`;
  const html = `<html><head><meta http-equiv="content-type" content="text/html; charset=utf-8"></head><body style="overflow-wrap: break-word; -webkit-nbsp-mode: space; line-break: after-white-space;">${paras(l.body).map((t) => `<div>${lines(t)}</div><div><br></div>`).join('')}${l.sig ? `<div>${l.sig.map(esc).join('<br>')}</div>` : ''}${l.disclaimer ? `<div><br></div><div style="font-size:9px">${esc(l.disclaimer)}</div>` : ''}${q ? `<div><br><blockquote type="cite"><div>${esc(attr)}</div><br class="Apple-interchange-newline">${paras(q.body).map((t) => `<div>${lines(t)}</div><div><br></div>`).join('')}</blockquote></div>` : ''}</body></html>
`;
  return { text, html, headers: { 'X-Mailer': 'Apple Mail (2.3826.400.131.1.6)' }, msgId: 'apple' };
}

/** iPhone Mail: text only, "Sent from my iPhone", then the quoted attribution line. */
function iphone(l) {
  const q = l.quote;
  const text = `${l.body}\n\nSent from my iPhone${l.disclaimer ? `\n\n${l.disclaimer}` : ''}${q ? `\n\n> On ${appleDate(q.date)}, ${q.from.name} <${q.from.address}> wrote:\n> \n${quoteLines(q.body)}` : ''}\n`;
  return { text, headers: { 'X-Mailer': 'iPhone Mail (22B91)' }, msgId: 'apple' };
}

/** Samsung Email on Android: "Sent from my Galaxy" and "-------- Original message --------". */
function samsung(l) {
  const q = l.quote;
  const block = q ? `-------- Original message --------\nFrom: ${addr(q.from)} \nDate: ${numDate(q.date)} (GMT-05:00) \nTo: ${addr(q.to)} \nSubject: ${q.subject} \n\n${q.body}` : '';
  const text = `${l.body}\n\n\n\nSent from my Galaxy${l.sig ? `\n\n${l.sig.join('\n')}` : ''}${l.disclaimer ? `\n\n${l.disclaimer}` : ''}${q ? `\n\n\n${block}` : ''}\n`;
  const html = `<html><head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8"></head><body><div dir="auto">${paras(l.body).map((t) => `${lines(t)}<br><br>`).join('')}</div><div dir="auto"><br></div><div id="composer_signature" dir="auto"><div style="font-size:12px;color:#575757" dir="auto">Sent from my Galaxy</div></div>${l.sig ? `<div dir="auto">${l.sig.map(esc).join('<br>')}</div>` : ''}${l.disclaimer ? `<div dir="auto" style="font-size:9px">${esc(l.disclaimer)}</div>` : ''}${q ? `<div dir="auto"><br></div><div><br></div><div align="left" dir="auto" style="font-size:100%;color:#000000"><div>-------- Original message --------</div><div>From: ${esc(addr(q.from))} </div><div>Date: ${numDate(q.date)} (GMT-05:00) </div><div>To: ${esc(addr(q.to))} </div><div>Subject: ${esc(q.subject)} </div><div><br></div></div>${paras(q.body).map((t) => `<div>${lines(t)}</div><br>`).join('')}` : ''}</body></html>
`;
  return { text, html, msgId: 'samsung' };
}

/** Thunderbird-style HTML-only mail (no text/plain alternative). */
function htmlOnly(l) {
  const q = l.quote;
  const html = `<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8"></head>
<body>
${paras(l.body).map((t) => `<p>${lines(t)}</p>`).join('\n')}
${l.sig ? `<div class="moz-signature">-- <br>${l.sig.map(esc).join('<br>')}</div>` : ''}
${l.disclaimer ? `<p style="font-size:8pt;color:#777">${esc(l.disclaimer)}</p>` : ''}
${q ? `<div class="moz-cite-prefix">On ${numDate(q.date)}, ${esc(q.from.name)} wrote:<br></div><blockquote type="cite">${paras(q.body).map((t) => `<p>${lines(t)}</p>`).join('')}</blockquote>` : ''}
</body></html>
`;
  return { html, headers: { 'User-Agent': 'Mozilla Thunderbird' }, msgId: 'plain' };
}

/** Plain text with "On … wrote:" and > quoting (Thunderbird, mutt). */
function textOnly(l) {
  const q = l.quote;
  const sig = l.sig ? `\n\n-- \n${l.sig.join('\n')}` : '';
  const text = `${l.body}${sig}${l.disclaimer ? `\n\n${l.disclaimer}` : ''}${q ? `\n\nOn ${numDate(q.date)}, ${q.from.name} wrote:\n${quoteLines(q.body)}` : ''}\n`;
  return { text, headers: { 'User-Agent': 'Mozilla Thunderbird' }, msgId: 'plain' };
}

/** Bottom-posting: the thread first, the new text underneath. */
function bottomPosted(l) {
  const q = l.quote;
  const text = `${q ? `On ${numDate(q.date)}, ${q.from.name} wrote:\n${quoteLines(q.body)}\n\n` : ''}${l.body}${l.sig ? `\n\n-- \n${l.sig.join('\n')}` : ''}${l.disclaimer ? `\n\n${l.disclaimer}` : ''}\n`;
  return { text, headers: { 'User-Agent': 'Mutt/2.2.12 (2023-09-09)' }, msgId: 'plain' };
}

/** The same layouts under other transfer encodings and charsets. */
const withEncoding = (f, encoding) => (l) => ({ ...f(l), encoding });
const latin1 = (l) => ({ ...textOnly(l), latin1: true });

export const FORMATS = {
  outlook_desktop: outlookDesktop,
  outlook_mobile: outlookMobile,
  gmail,
  apple_mail: appleMail,
  iphone,
  samsung,
  html_only: htmlOnly,
  text_only: textOnly,
  text_qp: withEncoding(textOnly, 'quoted-printable'),
  gmail_base64: withEncoding(gmail, 'base64'),
  outlook_base64: withEncoding(outlookDesktop, 'base64'),
  latin1_qp: latin1,
  bottom_posted: bottomPosted,
};
export const FORMAT_NAMES = Object.keys(FORMATS);
