import { beforeAll, describe, expect, it } from 'vitest';
import { detectLanguage } from '../../src/adapters/detect-language.js';
import { loadPhraseLists } from '../../src/adapters/load-phrases.js';
import { parseMail } from '../../src/adapters/parse-mail.js';
import type { Decision, DecisionContext } from '../../src/core/decide.js';
import { decideMessage } from '../../src/daemon/decide-message.js';
import { loadDecisionContext } from '../../src/db/load-decision-context.js';
import { decisionRegistry } from '../helpers/decision-registry.js';
import { AUTHSERV_ID, makeMail, PRODUCTION_APPROVAL } from '../helpers/mail.js';
import { seededDb } from '../helpers/test-db.js';

let ctx: DecisionContext;
beforeAll(async () => {
  ctx = loadDecisionContext(await seededDb(decisionRegistry()), { ownAddresses: ['apipartners@partners.example'], minConfidence: 0.6 });
});

async function decideText(raw: string): Promise<Decision> {
  const buf = Buffer.from(raw);
  return decideMessage(buf, await parseMail(buf), ctx, { phrases: loadPhraseLists(), detectLanguage, authservId: AUTHSERV_ID });
}
const codes = (d: Decision) => d.reasons.map((r) => r.code);

/** An HTML-only mail from riverside (beta consented for Acme Scheduler), authenticated. */
function htmlOnly(html: string, extraParts = ''): string {
  const head = makeMail({ body: 'x' }).split('\r\n\r\n')[0]!.replace(/Content-Type: text\/plain; charset=utf-8/, '');
  if (!extraParts) return `${head}Content-Type: text/html; charset=utf-8\r\n\r\n${html}\r\n`;
  return `${head}Content-Type: multipart/mixed; boundary="mx"\r\n\r\n--mx\r\nContent-Type: text/html; charset=utf-8\r\n\r\n${html}\r\n${extraParts}--mx--\r\n`;
}

describe('the decision reads what a person sees', () => {
  it('applies a clean production approval (the baseline every case below changes)', async () => {
    const d = await decideText(makeMail({ body: PRODUCTION_APPROVAL }));
    expect({ action: d.action, reasons: d.reasons }).toEqual({ action: 'apply', reasons: [] });
    const h = await decideText(htmlOnly('<div>Hi team,</div><div>Acme Scheduler is approved for production - go ahead.</div><div>Pat</div>'));
    expect({ action: h.action, reasons: h.reasons }).toEqual({ action: 'apply', reasons: [] });
  });

  it.each([
    ['display:none', '<span style="display:none">Acme Scheduler is approved for production.</span>'],
    ['visibility:hidden', '<div style="visibility: hidden">Acme Scheduler is approved for production.</div>'],
    ['white on white', '<p style="color:#ffffff">Acme Scheduler is approved for production.</p>'],
    ['near-white on white', '<font color="#fefefe">Acme Scheduler is approved for production.</font>'],
    ['1px text', '<span style="font-size:1px">Acme Scheduler is approved for production.</span>'],
    ['zero opacity', '<div style="opacity:0">Acme Scheduler is approved for production.</div>'],
    ['off-screen', '<div style="position:absolute;left:-9999px">Acme Scheduler is approved for production.</div>'],
    ['hidden attribute', '<div hidden>Acme Scheduler is approved for production.</div>'],
    ['a hidden class', '<style>.x{display:none}</style><p class="x">Acme Scheduler is approved for production.</p>'],
    ['a comment', '<!-- Acme Scheduler is approved for production. -->'],
  ])('never applies approval words hidden by %s', async (_how, hidden) => {
    const d = await decideText(htmlOnly(`<div>Thanks for the update on Acme Scheduler, we will look at it.</div>${hidden}`));
    expect(d.action).toBe('flag');
    expect(d.classification.matched).toEqual([]);
    if (_how !== 'a comment') expect(codes(d)).toContain('hidden_text');
  });

  it.each([
    ['a right-to-left override in plain text', makeMail({ body: 'Riverside does \u202Eton\u202C approve Acme Scheduler for production.' })],
    ['a right-to-left isolate in plain text', makeMail({ body: 'Riverside does \u2067ton\u2069 approve Acme Scheduler for production.' })],
    ['<bdo dir="rtl">', htmlOnly('<div>Riverside does <bdo dir="rtl">ton</bdo> approve Acme Scheduler for production.</div>')],
    ['CSS bidi-override', htmlOnly('<div>Riverside does <span style="unicode-bidi: bidi-override; direction: rtl">ton</span> approve Acme Scheduler for production.</div>')],
    ['a right-to-left class in <style>', htmlOnly('<style>.r { direction: rtl; unicode-bidi: bidi-override }</style><div>Riverside does <span class="r">ton</span> approve Acme Scheduler for production.</div>')],
    ['dir="rtl"', htmlOnly('<div dir="rtl">Riverside does ton approve Acme Scheduler for production.</div>')],
    ['a tag rule in <style>', htmlOnly('<style>b { unicode-bidi: bidi-override; direction: rtl }</style><div>Riverside does <b>ton</b> approve Acme Scheduler for production.</div>')],
    ['a reversed flex row', htmlOnly('<div>Riverside does <span style="display:inline-flex;flex-direction:row-reverse"><span>t</span><span>o</span><span>n</span></span> approve Acme Scheduler for production.</div>')],
    ['a CSS comment inside the value', htmlOnly('<div>Riverside does <span style="direction:/**/rtl;unicode-bidi:bidi-override">ton</span> approve Acme Scheduler for production.</div>')],
    ['a CSS escape', htmlOnly('<div>Riverside does <span style="direction:\\72tl;unicode-bidi:bidi-override">ton</span> approve Acme Scheduler for production.</div>')],
    ['a later declaration a browser discards', htmlOnly('<div>Riverside does <span style="direction:rtl;unicode-bidi:bidi-override;direction:0">ton</span> approve Acme Scheduler for production.</div>')],
    ['a rule inside @media', htmlOnly('<style>@media screen{.r{direction:rtl;unicode-bidi:bidi-override}}</style><div>Riverside does <span class="r">ton</span> approve Acme Scheduler for production.</div>')],
    ['a style block holding "<" and closed by "</style >"', htmlOnly('<style>/* <b> */ .r{direction:rtl;unicode-bidi:bidi-override}</style ><div>Riverside does <span class="r">ton</span> approve Acme Scheduler for production.</div>')],
    ['<bdo> nested past the rendering depth', htmlOnly(`<div>Riverside does ${'<span>'.repeat(260)}<bdo dir="rtl">ton</bdo>${'</span>'.repeat(260)} approve Acme Scheduler for production.</div>`)],
    ['a right-to-left run that spans the approval\'s line', htmlOnly('<div><span dir="rtl">Note:<br>Acme Scheduler is approved for production.</span></div>')],
    ['grid placement', htmlOnly('<div>Riverside does <span style="display:inline-grid;grid-auto-flow:column"><span style="grid-column:3">t</span><span style="grid-column:2">o</span><span style="grid-column:1">n</span></span> approve Acme Scheduler for production.</div>')],
    ['text generated by CSS content', htmlOnly('<style>.n::after{content:" not"}</style><div>Riverside does<span class="n"></span> approve Acme Scheduler for production.</div>')],
    ['a row moved to the top by table-header-group', htmlOnly('<table><tr><td>Acme Scheduler is approved for production.</td></tr><tr style="display:table-header-group"><td>Riverside says</td></tr></table>')],
    ['a transform', htmlOnly('<div>Riverside does <span style="display:inline-block;transform:scaleX(-1)">ton</span> approve Acme Scheduler for production.</div>')],
    ['the translate property in a class', htmlOnly('<style>.m { display:inline-block; translate: 2ch }</style><div>Riverside does <span class="m">t</span>on approve Acme Scheduler for production.</div>')],
    ['text generated through a CSS variable', htmlOnly('<style>.n::before{content:var(--t)}</style><div>Riverside does <span class="n" style="--t:\'not\'"></span> approve Acme Scheduler for production.</div>')],
    ['a list marker given as a string', htmlOnly('<p style="display:list-item;list-style-type:\'Correction: it is NOT the case that \';list-style-position:inside">Riverside approves Acme Scheduler for production.</p>')],
    ['a flex order written with a leading zero', htmlOnly('<style>b:nth-child(1){order:03} b:nth-child(3){order:01}</style><div>Riverside does <span style="display:inline-flex"><b>t</b><b>o</b><b>n</b></span> approve Acme Scheduler for production.</div>')],
    ['a direction through a CSS variable', htmlOnly('<div>Riverside does <span style="--d:rtl;direction:var(--d);display:inline-block">ton</span> approve Acme Scheduler for production.</div>')],
    ['vertical writing', htmlOnly('<div>Riverside does <span style="display:inline-block;writing-mode:vertical-rl">ton</span> approve Acme Scheduler for production.</div>')],
    ['a flex order', htmlOnly('<div style="display:flex"><span style="order:2">Riverside says </span><span style="order:1">Acme Scheduler is approved for production.</span></div>')],
  ])('never applies wording whose order a reader sees differently: %s', async (_how, raw) => {
    const d = await decideText(raw);
    // Read in stored order it approves; shown as a reader sees it, it may not: staff decide.
    expect(d.classification.matched.map((m) => m.of)).toContain('production_approval');
    expect(d.action).toBe('flag');
    expect(codes(d)).toEqual(['reordered_text']);
  });

  it.each([
    ['SVG text', '<svg width="30" height="14"><text x="0" y="12">not</text></svg>'],
    ['MathML', '<math><mi>not</mi></math>'],
    ['fallback content of an <object>', '<object>not</object>'],
    ['a comment a browser ends at "--!>"', '<!-- x --!>not<!-- -->'],
  ])('reads the "not" a browser shows in %s', async (_how, not) => {
    const d = await decideText(htmlOnly(`<div>Riverside does ${not} approve Acme Scheduler for production.</div>`));
    expect(d.text.newText).toContain('does not approve');
    expect(d.action).toBe('flag');
  });

  it('treats <style/> as a browser does: an open style block that hides the approval after it', async () => {
    const d = await decideText(htmlOnly('<p>Thanks, received.</p><style/><p>Acme Scheduler is approved for production.</p></style><p>Pat</p>'));
    expect(d.text.newText).not.toContain('approved');
    expect(d.action).toBe('flag');
    expect(codes(d)).toContain('no_approval_found');
  });

  it('flags a subject that a right-to-left override shows reversed', async () => {
    const d = await decideText(makeMail({ subject: 'Re: \u202Eregnesse\u202C Acme Scheduler', body: 'Approved for production - go ahead.\n\nPat' }));
    expect(d.action).toBe('flag');
    expect(d.reasons).toContainEqual({ code: 'reordered_text', around: 'Re: ·regnesse· Ac' });
  });

  it('flags Hebrew or Arabic letters in what the client wrote, not in the quoted history', async () => {
    const quoted = `${PRODUCTION_APPROVAL}\n\nOn Mon, Nov 23, 2026 at 9:02 AM \u05D3\u05E0\u05D4 <apipartners@partners.example> wrote:\n> Please confirm.`;
    const q = await decideText(makeMail({ body: quoted }));
    expect({ action: q.action, reasons: q.reasons }).toEqual({ action: 'apply', reasons: [] });
    const d = await decideText(makeMail({ body: 'Riverside \u05D0 does not \u05D0 approve Acme Scheduler for production.' }));
    expect(d.action).toBe('flag');
    expect(codes(d)).toContain('reordered_text');
  });

  it.each([
    ['prose "Order: 1" and dir="ltr"', '<div dir="ltr"><div>Order: 1 of 2. Acme Scheduler is approved for production - go ahead.</div><div>Pat</div></div>'],
    ['a floated logo, floated signature columns and Outlook\'s raised text', '<div>Acme Scheduler is approved for production - go ahead.</div><div><img src="cid:logo" style="float:left;margin-right:8px"><div style="float:left">Pat Quinn<span style="position:relative;top:-2.0pt">1</span></div><span style="float:right">LinkedIn | Twitter</span></div>'],
    ['an icon nudged by two pixels', '<div>Acme Scheduler is approved for production - go ahead.</div><div>Pat <span style="position:relative;left:-2px">555-201-4410</span></div>'],
    ['a clearfix rule (content: "") and an arrow icon', '<style>.sig:after{content:"";display:table;clear:both} .btn:after{content:"\\2192"}</style><div>Acme Scheduler is approved for production - go ahead.</div><div class="sig">Pat</div>'],
    ['an empty <span dir=RTL> Outlook leaves', '<p class=MsoNormal>Acme Scheduler is approved for production - go ahead.<span dir=RTL></span><o:p></o:p></p><p class=MsoNormal>Pat</p>'],
    ['a link and prose that say dir=rtl', '<div>Acme Scheduler is approved for production - go ahead. Our <a href="https://portal.example/start?lang=en&amp;dir=rtl">portal</a> supports dir=rtl layouts.</div><div>Pat</div>'],
    ['a "Sent from my iPhone" in Arabic, right to left', '<div>Acme Scheduler is approved for production - go ahead.</div><div dir="rtl">\u0623\u064F\u0631\u0633\u0644\u062A \u0645\u0646 \u0627\u0644\u0640 iPhone</div>'],
    ['a right-to-left mark in the quoted history', '<div>Acme Scheduler is approved for production - go ahead.</div><div>Pat</div><blockquote>\u200FOn Mon, Nov 23, 2026 API Partners &lt;apipartners@partners.example&gt; wrote:<br>Please confirm.</blockquote>'],
    ['a bilingual signature line', '<div>Acme Scheduler is approved for production - go ahead.</div><div>Pat Quinn | \u05E4\u05D8 \u05E7\u05D5\u05D5\u05D9\u05DF</div><div dir="rtl">\u05DE\u05E0\u05D4\u05DC\u05EA \u05DE\u05E8\u05E4\u05D0\u05D4</div>'],
  ])('still applies an HTML approval with %s', async (_what, html) => {
    const d = await decideText(htmlOnly(html));
    expect({ action: d.action, reasons: d.reasons }).toEqual({ action: 'apply', reasons: [] });
  });

  it('still applies an approval whose subject carries a localised reply prefix in Hebrew', async () => {
    const d = await decideText(makeMail({ subject: '\u05D4\u05E9\u05D1: Acme Scheduler', body: PRODUCTION_APPROVAL }));
    expect({ action: d.action, reasons: d.reasons }).toEqual({ action: 'apply', reasons: [] });
  });

  it('still applies an approval sent from a phone that wraps its signature\'s phone number in LRE/PDF', async () => {
    const d = await decideText(makeMail({ body: `${PRODUCTION_APPROVAL}\n\nPat Quinn\nTel: \u202A+1 (555) 201-3344\u202C` }));
    expect({ action: d.action, reasons: d.reasons }).toEqual({ action: 'apply', reasons: [] });
  });

  it('flags a plain-text part that approves while the HTML part does not yet approve', async () => {
    const d = await decideText(makeMail({ body: PRODUCTION_APPROVAL, html: '<p>Hi team,</p><p>Riverside does not yet approve Acme Scheduler for production.</p>' }));
    expect(d.action).toBe('flag');
    expect(d.reasons).toContainEqual({ code: 'parts_disagree', plain: 'production approval', html: 'production approval, held back' });
  });

  it('flags a meeting invitation whose agenda is an approval sentence', async () => {
    const ics = 'BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nSUMMARY:Approve Acme Scheduler for production\r\nDESCRIPTION:Acme Scheduler is approved for production.\r\nEND:VEVENT\r\nEND:VCALENDAR';
    const d = await decideText(htmlOnly('<p>Acme Scheduler is approved for production.</p>', `--mx\r\nContent-Type: text/calendar; method=REQUEST; charset=utf-8\r\n\r\n${ics}\r\n`));
    expect(d.action).toBe('flag');
    expect(codes(d)).toContain('calendar_invitation');
  });

  it('flags a word that mixes Latin with Cyrillic letters', async () => {
    const d = await decideText(makeMail({ body: 'Acme Scheduler is \u0430pproved for production.' }));
    expect(d.action).toBe('flag');
    expect(d.reasons).toContainEqual({ code: 'mixed_script', word: '\u0430pproved' });
  });

  it('reads through zero-width characters but flags them inside a word', async () => {
    const d = await decideText(makeMail({ body: 'Acme Scheduler is app\u200Broved for production.' }));
    expect(d.classification.matched.map((m) => m.of)).toEqual(['production_approval']);
    expect(d.action).toBe('flag');
    expect(codes(d)).toEqual(['invisible_characters']);
  });

  it('decides in Spanish, French and German, and flags any other language', async () => {
    for (const body of ['Aprobamos Acme Scheduler para el entorno de producción.', 'Nous approuvons Acme Scheduler pour notre environnement de production.', 'Wir geben Acme Scheduler für unsere Produktionsumgebung frei.']) {
      const d = await decideText(makeMail({ body }));
      expect({ body, action: d.action, reasons: d.reasons }).toEqual({ body, action: 'apply', reasons: [] });
    }
    const it = await decideText(makeMail({ body: 'Approviamo Acme Scheduler per il nostro ambiente di produzione, potete procedere con la configurazione.' }));
    expect(it.action).toBe('flag');
    expect(it.reasons).toContainEqual({ code: 'language_unsupported', language: 'it' });
  });

  it('flags a hold in German or French around an English keyword', async () => {
    const de = await decideText(makeMail({ body: 'Acme Scheduler: noch nicht approved for production – bitte noch keine Zugangsdaten senden.' }));
    expect(de.action).toBe('flag');
    expect(codes(de)).toContain('blocked');
    const fr = await decideText(makeMail({ body: 'Acme Scheduler is approved for production. Mais nous ne pouvons pas encore donner notre approbation finale.' }));
    expect(fr.action).toBe('flag');
    expect(codes(fr).filter((c) => c === 'blocked' || c === 'hold_elsewhere').length).toBeGreaterThan(0);
    expect(fr.classification.blockers.map((b) => b.cue)).toContain('ne');
  });

  it('flags a hold in another sentence, naming the sentence', async () => {
    const d = await decideText(makeMail({ body: 'Acme Scheduler is approved for production. However, please do not send anything until our board meets on Friday.' }));
    expect(d.action).toBe('flag');
    expect(d.reasons).toContainEqual({ code: 'hold_elsewhere', kind: 'negated', cue: 'not', sentence: 'However, please do not send anything until our board meets on Friday.' });
  });

  it('flags an approval of an app the registry does not know, even when the thread names a known one', async () => {
    const d = await decideText(makeMail({ subject: 'RE: Acme Scheduler', body: 'We approve MediTrack Pro for production.' }));
    expect(d.action).toBe('flag');
    expect(d.reasons).toContainEqual({ code: 'app_unrecognized', name: 'MediTrack Pro' });
  });

  it('reads only the first 64 KB of new text and flags the rest for staff', async () => {
    const d = await decideText(makeMail({ body: `Acme Scheduler is approved for production.\n\n${'Notes on the rollout plan follow here. '.repeat(2000)}` }));
    expect(d.action).toBe('flag');
    expect(codes(d)).toContain('text_too_long');
  });
});

describe('a partner writing back', () => {
  it('is a known sender: flagged as a partner reply, never applied, not a client at a new address', async () => {
    const d = await decideText(makeMail({ from: 'integrations@acmehealth.io', subject: 'Re: Encrypted message', body: 'Thanks, we received the identifiers and approve of the production go-live.' }));
    expect(d.action).toBe('flag');
    expect(d.reasons).toContainEqual({ code: 'partner_reply', partner: 'acme', address: 'integrations@acmehealth.io' });
    expect(d.reasons.map((r) => r.code)).not.toContain('sender_unknown_domain');
  });
});
