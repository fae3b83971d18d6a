import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import MailComposer from 'nodemailer/lib/mail-composer';
import { beforeAll, describe, expect, it } from 'vitest';
import { detectLanguage } from '../../src/adapters/detect-language.js';
import { loadPhraseLists } from '../../src/adapters/load-phrases.js';
import { parseMail } from '../../src/adapters/parse-mail.js';
import type { Decision, DecisionContext } from '../../src/core/decide.js';
import { header, type InboundMail } from '../../src/core/inbound-mail.js';
import { normalizeText } from '../../src/core/normalize-text.js';
import { decideMessage } from '../../src/daemon/decide-message.js';
import { loadDecisionContext } from '../../src/db/load-decision-context.js';
import { openDb } from '../../src/db/open-db.js';
import { importRegistry } from '../../src/registry/import-registry.js';
import { loadRegistry } from '../../src/registry/load-registry.js';

/**
 * Robustness properties of the approval decision (issue 10), over every clean approval of the
 * evaluation set (both halves: they only serve as a population here, nothing is tuned on them).
 * Whatever is done to a clean approval that a careful reader would not act on must never yield
 * `apply`. Each property has a fixed seed, so a failure is replayed exactly.
 */
const EVAL = fileURLToPath(new URL('../fixtures/eval/', import.meta.url));
const DEPS = { phrases: loadPhraseLists(), detectLanguage, authservId: 'mx.partners.example' };
type Lang = 'en' | 'es' | 'fr' | 'de';
const LANGS: readonly Lang[] = ['en', 'es', 'fr', 'de'];
const HOLD_CODES = new Set(['blocked', 'hold_elsewhere']);

interface CleanApproval {
  file: string;
  lang: Lang;
  raw: Buffer;
  mail: InboundMail;
  decision: Decision;
}

let ctx: DecisionContext;
const population: CleanApproval[] = [];

async function decide(raw: Buffer): Promise<Decision> {
  return decideMessage(raw, await parseMail(raw), ctx, DEPS);
}

const codes = (d: Decision) => d.reasons.map((r) => r.code);
const describeDecision = (d: Decision) => `${d.action} [${d.reasons.map((r) => r.code + ('cue' in r ? `(${r.cue})` : '')).join(', ')}]`;
const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * The message again with another body, keeping the headers the decision reads (sender, subject,
 * threading, our server's Authentication-Results on top, as it writes it).
 */
async function recompose(m: InboundMail, body: { text?: string; html?: string }): Promise<Buffer> {
  const mime = await new MailComposer({
    from: { name: m.from[0]!.name, address: m.from[0]!.address },
    to: m.to.map((a) => ({ name: a.name, address: a.address })),
    subject: m.subject,
    date: m.date ? new Date(m.date) : new Date(Date.UTC(2026, 10, 2)),
    ...(m.messageId ? { messageId: m.messageId } : {}),
    ...(m.inReplyTo ? { inReplyTo: m.inReplyTo } : {}),
    ...(m.references.length > 0 ? { references: m.references } : {}),
    ...body,
  })
    .compile()
    .build();
  const trace = [`Return-Path: <${m.returnPath ?? m.from[0]!.address}>`, ...header(m, 'authentication-results').map((v) => `Authentication-Results: ${v}`)];
  return Buffer.concat([Buffer.from(`${trace.join('\r\n')}\r\n`, 'utf8'), mime]);
}

/** What the client's mail program would send as plain text: the decoded text, or the HTML's visible text. */
const plainOf = (m: InboundMail) => (m.hasPlainPart ? m.text : (m.htmlText ?? m.text));

beforeAll(async () => {
  const db = openDb(':memory:');
  const loaded = await loadRegistry(`${EVAL}registry.yaml`);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
  importRegistry(db, loaded.registry, { actor: 'operator:test' });
  ctx = loadDecisionContext(db, { ownAddresses: ['apipartners@partners.example'], minConfidence: 0.6 });
  for (const half of ['dev', 'test']) {
    const rows = readFileSync(`${EVAL}${half}/LABELS.tsv`, 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
    for (const [file, , , , , category, note] of rows) {
      if (category !== 'clean_approval') continue;
      const raw = readFileSync(`${EVAL}${half}/${file}`);
      const mail = await parseMail(raw);
      const decision = await decideMessage(raw, mail, ctx, DEPS);
      // Only approvals the decision applies as they are say anything when changed.
      if (decision.action === 'apply') population.push({ file: `${half}/${file}`, lang: note!.split(' ')[0] as Lang, raw, mail, decision });
    }
  }
  expect(population.length).toBeGreaterThan(200);
}, 120_000);

// ---------------------------------------------------------------------------------------------
// 1. A hold sentence anywhere in the new text.

const pick = <T>(xs: readonly T[]) => fc.constantFrom(...xs);
const WHO: Record<Lang, string[]> = {
  en: ['compliance', 'our legal team', 'the board', 'our CMO', 'IT security'],
  es: ['cumplimiento normativo', 'nuestro equipo legal', 'la junta directiva', 'el director médico'],
  fr: ['la conformité', 'notre service juridique', 'le conseil', 'le directeur médical'],
  de: ['die Compliance-Abteilung', 'unsere Rechtsabteilung', 'der Vorstand', 'der ärztliche Direktor'],
};
const THING: Record<Lang, string[]> = {
  en: ['test plan', 'route list', 'go-live date', 'data retention terms'],
  es: ['el plan de pruebas', 'la fecha de arranque', 'la lista de rutas'],
  fr: ['le plan de test', 'la date de mise en service', 'la liste des routes'],
  de: ['den Testplan', 'das Go-live-Datum', 'die Routenliste'],
};
const DAY: Record<Lang, string[]> = { en: ['Friday', 'Monday', 'next week'], es: ['el viernes', 'el lunes'], fr: ['vendredi', 'lundi'], de: ['Freitag', 'Montag'] };
type Template = (who: string, thing: string, day: string) => string;
const HOLDS: Record<Lang, Template[]> = {
  en: [
    (_, __, d) => `Please do not send anything until our board meets on ${d}.`,
    () => 'Hold off on enabling anything for now.',
    (w) => `We still need sign-off from ${w}.`,
    (_, t) => `Can you confirm the ${t} first?`,
    (_, t) => `Can you confirm the ${t} first`,
    (_, t) => `Could you send us the ${t} before we proceed?`,
    (w) => `This is fine once ${w} signs off.`,
    () => 'You can go ahead after our audit.',
    (w) => `Provided that ${w} agrees, you may proceed.`,
    () => 'We are not ready to go ahead yet.',
    () => 'Please do not turn anything on yet.',
    (w) => `Nothing should be switched on until ${w} says so.`,
  ],
  es: [
    (_, __, d) => `Por favor, no envíen nada hasta que se reúna nuestra junta ${d}.`,
    () => 'Esperen antes de activar nada por ahora.',
    (w) => `Todavía necesitamos la aprobación de ${w}.`,
    (_, t) => `¿Pueden confirmar primero ${t}?`,
    (_, t) => `Pueden confirmar primero ${t}`,
    (w) => `Una vez que ${w} lo apruebe, pueden continuar.`,
    () => 'Pueden continuar después de nuestra auditoría.',
    (w) => `Siempre que ${w} esté de acuerdo, pueden seguir.`,
    () => 'Todavía no estamos listos para continuar.',
    () => 'Por favor, no activen nada todavía.',
  ],
  fr: [
    (_, __, d) => `Merci de ne rien envoyer avant la réunion de notre conseil ${d}.`,
    () => "Attendez avant d'activer quoi que ce soit pour le moment.",
    (w) => `Nous avons encore besoin de l'accord ${w.startsWith('le ') ? `du ${w.slice(3)}` : `de ${w}`}.`,
    (_, t) => `Pouvez-vous d'abord confirmer ${t} ?`,
    (_, t) => `Pouvez-vous d'abord confirmer ${t}`,
    (w) => `Une fois que ${w} aura validé, vous pourrez continuer.`,
    () => 'Vous pourrez continuer après notre audit.',
    (w) => `À condition que ${w} soit d'accord, vous pouvez continuer.`,
    () => 'Nous ne sommes pas encore prêts à continuer.',
    () => "Merci de ne rien activer pour l'instant.",
  ],
  de: [
    (_, __, d) => `Bitte schicken Sie nichts, bis unser Vorstand am ${d} tagt.`,
    () => 'Bitte warten Sie vorerst mit der Freischaltung.',
    (w) => `Wir brauchen noch die Freigabe: ${w} muss noch zustimmen.`,
    (_, t) => `Können Sie zuerst ${t} bestätigen?`,
    (_, t) => `Können Sie zuerst ${t} bestätigen`,
    (w) => `Sobald ${w} zustimmt, können Sie fortfahren.`,
    () => 'Sie können nach unserem Audit fortfahren.',
    (w) => `Vorausgesetzt, dass ${w} zustimmt, können Sie fortfahren.`,
    () => 'Wir sind noch nicht bereit fortzufahren.',
    () => 'Bitte schalten Sie noch nichts frei.',
  ],
};
const holdIn = (lang: Lang) =>
  fc.tuple(pick(HOLDS[lang]), pick(WHO[lang]), pick(THING[lang]), pick(DAY[lang])).map(([t, w, th, d]) => t(w, th, d));

interface Slot {
  at: number;
  how: 'line_before' | 'inline' | 'line_after' | 'paragraph_after' | 'bottom';
}

/**
 * Where a sentence can go in the client's own text: before and after each of its lines, between
 * its sentences, and at the very bottom (below the quote and any notice, as a bottom-poster writes).
 * Lines of the new text are found in order in the body, so a quoted line that repeats one is skipped.
 */
function slotsOf(body: string, newText: string, quoted: string): Slot[] {
  const want = newText.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  // Below a ">"-marked quote a bottom-poster's text is new text. Below an unmarked original (Outlook's
  // From/Sent block, a separator) everything is the original to the end: Outlook writes no marks, and
  // nobody bottom-posts under it. The decision documents that limit; this property does not test it.
  const unmarked = quoted.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('>')).length;
  const slots: Slot[] = unmarked <= 2 ? [{ at: body.length, how: 'bottom' }] : [];
  let offset = 0;
  let w = 0;
  for (const line of body.split('\n')) {
    const trimmed = normalizeText(line).trim();
    if (w < want.length && trimmed !== '' && !trimmed.startsWith('>') && trimmed === want[w]) {
      w++;
      slots.push({ at: offset, how: 'line_before' }, { at: offset + line.length, how: 'line_after' }, { at: offset + line.length, how: 'paragraph_after' });
      for (const m of line.matchAll(/[.!?](?= +\S)/g)) slots.push({ at: offset + m.index + 1, how: 'inline' });
    }
    offset += line.length + 1;
  }
  return slots;
}

function insertAt(body: string, slot: Slot, sentence: string): string {
  const text = { line_before: `${sentence}\n`, inline: ` ${sentence}`, line_after: ` ${sentence}`, paragraph_after: `\n\n${sentence}`, bottom: `\n\n${sentence}\n` }[slot.how];
  return body.slice(0, slot.at) + text + body.slice(slot.at);
}

interface PlainBaseline {
  body: string;
  decision: Decision;
  slots: Slot[];
}
const plainBaselines = new Map<number, Promise<PlainBaseline>>();
/** The approval recomposed as plain text only, unchanged: it must still apply for a changed copy to say anything. */
function plainBaseline(i: number): Promise<PlainBaseline> {
  let p = plainBaselines.get(i);
  if (!p) {
    const { mail } = population[i]!;
    const body = plainOf(mail);
    p = recompose(mail, { text: body }).then(async (raw) => {
      const decision = await decide(raw);
      return { body, decision, slots: slotsOf(body, decision.text.newText, decision.text.quoted) };
    });
    plainBaselines.set(i, p);
  }
  return p;
}

/** Adds a hold at one of the slots `where` allows, in a language `langOf` picks; checks the decision. */
async function checkHold(where: (s: Slot) => boolean, langOf: (own: Lang) => fc.Arbitrary<Lang>, requireHoldReason: boolean, seed: number, numRuns: number) {
  const arb = fc.nat({ max: population.length - 1 }).chain((i) => fc.record({ i: fc.constant(i), hold: langOf(population[i]!.lang).chain(holdIn), slot: fc.nat() }));
  await fc.assert(
    fc.asyncProperty(arb, async ({ i, hold, slot }) => {
      const base = await plainBaseline(i);
      fc.pre(base.decision.action === 'apply');
      const slots = base.slots.filter(where);
      fc.pre(slots.length > 0);
      const s = slots[slot % slots.length]!;
      const d = await decide(await recompose(population[i]!.mail, { text: insertAt(base.body, s, hold) }));
      const at = `${population[i]!.file} ${s.how}@${s.at}: ${describeDecision(d)}`;
      expect(d.action, at).not.toBe('apply');
      if (requireHoldReason) expect(codes(d).some((c) => HOLD_CODES.has(c)), at).toBe(true);
    }),
    { seed, numRuns },
  );
}

describe('a hold sentence added to a clean approval', () => {
  it('never applies and reports the hold, for a hold in the approval’s language before, between or after its sentences', async () => {
    await checkHold((s) => s.how !== 'bottom', fc.constant, true, 0x10a01, 250);
  }, 60_000);

  it('never applies and reports the hold, for a hold bottom-posted below the quote and any notice', async () => {
    await checkHold((s) => s.how === 'bottom', fc.constant, true, 0x10a06, 120);
  }, 60_000);

  it('never applies for a hold written in another language than the approval, anywhere', async () => {
    await checkHold(() => true, (own) => pick(LANGS.filter((l) => l !== own)), false, 0x10a02, 100);
  }, 60_000);
});

// ---------------------------------------------------------------------------------------------
// 2. The approval hidden in the HTML, a neutral sentence visible.

const NEUTRAL: Record<Lang, string[]> = {
  en: ['Thanks for the update, we will review it next week.', 'Got your note, thank you.', 'We received the documents and will get back to you.', 'Forwarding this to our practice manager.'],
  es: ['Gracias por la información, la revisaremos la próxima semana.', 'Recibimos los documentos, les responderemos pronto.'],
  fr: ['Merci pour la mise à jour, nous la regarderons la semaine prochaine.', 'Nous avons bien reçu les documents et reviendrons vers vous.'],
  de: ['Danke für die Information, wir sehen es uns nächste Woche an.', 'Wir haben die Unterlagen erhalten und melden uns.'],
};
interface Hider {
  name: string;
  css?: string;
  wrap: (x: string) => string;
}
const span = (css: string): Hider => ({ name: css, wrap: (x) => `<span style="${css}">${x}</span>` });
const div = (css: string): Hider => ({ name: css, wrap: (x) => `<div style="${css}">${x}</div>` });
/** Ways to keep text in the HTML but out of its reader's sight (the body is white). */
const HIDERS: readonly Hider[] = [
  ...['display:none', 'display: none !important', 'DISPLAY:NONE', 'visibility:hidden', 'font-size:0', 'font-size:0px', 'font-size:1px;line-height:1px', 'opacity:0', 'opacity:0.0'].map(span),
  ...['#ffffff', '#fff', 'white', '#FFFFFF', '#fefefe', '#fdfdfd', 'rgb(254,254,254)'].map((c) => span(`color:${c}`)),
  ...['#ffffff', '#fefefe', 'white'].map((c): Hider => ({ name: `<font color=${c}>`, wrap: (x) => `<font color="${c}">${x}</font>` })),
  ...['position:absolute;left:-9999px', 'position:absolute;top:-5000px;left:0', 'position:fixed;left:-10000px'].map(div),
  { name: 'hidden attribute', wrap: (x) => `<div hidden>${x}</div>` },
  { name: '<style> class', css: '.x9{display:none}', wrap: (x) => `<div class="x9">${x}</div>` },
  { name: 'comment', wrap: (x) => `<!-- ${x} -->` },
];

/** An HTML-only mail: a neutral sentence in sight, the approval sentences hidden before or after it. */
function hiddenApprovalHtml(c: CleanApproval, neutral: string, hider: Hider, before: boolean): string {
  const approval = c.decision.classification.sentences.filter((s) => s.role === 'approval').map((s) => s.text).join(' ');
  const hidden = hider.wrap(escapeHtml(approval));
  const visible = escapeHtml(neutral);
  const head = hider.css ? `<style>${hider.css}</style>` : '';
  return `<html><head>${head}</head><body style="background-color:#ffffff"><p>${before ? hidden + visible : visible + hidden}</p><p>${escapeHtml(c.mail.from[0]!.name || 'Dana')}</p></body></html>`;
}

describe('an approval hidden in HTML-only mail', () => {
  it('never applies when the visible text is neutral and the approval sentence is hidden', async () => {
    const arb = fc.nat({ max: population.length - 1 }).chain((i) =>
      fc.record({ i: fc.constant(i), neutral: pick(NEUTRAL[population[i]!.lang]), hider: pick(HIDERS), before: fc.boolean() }),
    );
    await fc.assert(
      fc.asyncProperty(arb, async ({ i, neutral, hider, before }) => {
        const c = population[i]!;
        const d = await decide(await recompose(c.mail, { html: hiddenApprovalHtml(c, neutral, hider, before) }));
        expect(d.action, `${c.file} hidden by ${hider.name}: ${describeDecision(d)}`).not.toBe('apply');
      }),
      { seed: 0x10a03, numRuns: 250 },
    );
  }, 60_000);
});

// ---------------------------------------------------------------------------------------------
// 3. Plain-text and HTML parts that disagree.

const NOT_YET: Record<Lang, string[]> = {
  en: ['We do not approve this yet; please hold off.', 'We are not ready to approve this yet.', 'Please wait, we have not approved anything yet.'],
  es: ['Todavía no lo aprobamos; por favor, esperen.', 'Aún no estamos listos para aprobarlo.'],
  fr: ["Nous ne l'approuvons pas encore ; merci d'attendre.", 'Nous ne sommes pas encore prêts à approuver.'],
  de: ['Wir genehmigen das noch nicht; bitte warten Sie.', 'Wir sind noch nicht bereit, das freizugeben.'],
};

describe('plain-text and HTML parts that disagree', () => {
  it('never applies, and says the parts disagree or that the approval is held', async () => {
    const arb = fc.nat({ max: population.length - 1 }).chain((i) =>
      fc.record({ i: fc.constant(i), notYet: pick(NOT_YET[population[i]!.lang]), approvalIn: pick(['plain', 'html'] as const) }),
    );
    await fc.assert(
      fc.asyncProperty(arb, async ({ i, notYet, approvalIn }) => {
        const c = population[i]!;
        const plainApproval = plainOf(c.mail);
        const htmlApproval = c.mail.html ?? `<div>${escapeHtml(plainApproval).replace(/\n/g, '<br>\n')}</div>`;
        const body =
          approvalIn === 'plain'
            ? { text: plainApproval, html: `<p>${escapeHtml(notYet)}</p>` }
            : { text: `${notYet}\n`, html: htmlApproval };
        const d = await decide(await recompose(c.mail, body));
        const where = `${c.file} approval in ${approvalIn}, other part "${notYet}": ${describeDecision(d)}`;
        expect(d.action, where).not.toBe('apply');
        expect(codes(d).some((x) => x === 'parts_disagree' || HOLD_CODES.has(x)), where).toBe(true);
      }),
      { seed: 0x10a04, numRuns: 150 },
    );
  }, 60_000);
});

// ---------------------------------------------------------------------------------------------
// 4. Junk of any shape: decided the same way every time, in time linear in its size.

const JUNK_CHUNK: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: pick(['-', "'", '’', '.', '_', '*', '=', '>', '!', '?', ' ', '\n']), minLength: 1, maxLength: 200 }),
  fc.string({ unit: pick([...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéüñ ']), minLength: 1, maxLength: 200 }),
  fc.integer({ min: 1, max: 300 }).map((k) => `${'<div>'.repeat(k)}x${'</div>'.repeat(k)}`),
  fc.integer({ min: 1, max: 300 }).map((k) => '<div>'.repeat(k)),
  fc.integer({ min: 2_000, max: 20_000 }).map((k) => 'a'.repeat(k)),
  fc.integer({ min: 50, max: 1_000 }).map((k) => 'x.\n'.repeat(k)),
);

async function timed(raw: Buffer): Promise<{ ms: number; d: Decision }> {
  const t = performance.now();
  const d = await decide(raw);
  return { ms: performance.now() - t, d };
}

describe('junk of any shape', () => {
  it('is never applied, is decided the same way twice, and a 4× larger one takes under 8× the time', async () => {
    const arb = fc.record({
      i: fc.nat({ max: population.length - 1 }),
      pattern: fc.array(JUNK_CHUNK, { minLength: 1, maxLength: 12 }).map((cs) => cs.join('')),
      n: fc.integer({ min: 50_000, max: 65_000 }),
      asHtml: fc.boolean(),
    });
    const tile = (p: string, size: number) => p.repeat(Math.ceil(size / p.length)).slice(0, size);
    await fc.assert(
      fc.asyncProperty(arb, async ({ i, pattern, n, asHtml }) => {
        const build = (size: number) => recompose(population[i]!.mail, asHtml ? { html: tile(pattern, size) } : { text: tile(pattern, size) });
        const [small, large] = [await build(n), await build(4 * n)];
        const [s1, s2, l1, l2] = [await timed(small), await timed(small), await timed(large), await timed(large)];
        for (const { d } of [s1, s2, l1, l2]) expect(d.action, describeDecision(d)).not.toBe('apply');
        expect(describeDecision(s2.d)).toBe(describeDecision(s1.d));
        expect(describeDecision(l2.d)).toBe(describeDecision(l1.d));
        const [ts, tl] = [Math.min(s1.ms, s2.ms), Math.min(l1.ms, l2.ms)];
        expect(tl, `n=${n} ${asHtml ? 'html' : 'text'}: ${ts.toFixed(0)} ms at n, ${tl.toFixed(0)} ms at 4n`).toBeLessThan(8 * ts + 150);
      }),
      { seed: 0x10a05, numRuns: 8 },
    );
  }, 120_000);
});
