import { Parser } from 'htmlparser2';
import { RTL_LETTER_RANGES } from '../core/normalize-text.js';
import { movesOf, PDF, PDI, reorderOf, reordersSomewhere, RLI, RLO, SCAN_LIMIT } from './css-reordering.js';
import { isHiddenStyle, parseColor, parseStyle, tooClose, type Rgb } from './css-visibility.js';

/** The text of an HTML body as a mail client shows it, and apart from it what the client hides. */
export interface VisibleHtml {
  /** Visible text, one line per block; quoted history (`<blockquote>`) prefixed with "> ". */
  text: string;
  /** Text a reader cannot see: hidden by CSS or attributes, white on white, tiny, off-screen. */
  hidden: string;
  /** True when the text was cut at the size limit. */
  truncated: boolean;
}

/** A letter of a left-to-right script: any letter outside the right-to-left blocks. */
const LEFT_TO_RIGHT_LETTER = new RegExp(`(?![${RTL_LETTER_RANGES}])\\p{L}`, 'u');
// Elements whose text a browser does not show. Not among them, because a browser shows their text:
// `<svg><text>`, `<math>`, `<object>` fallback content, `<xml>` outside a comment, a `<textarea>`
// and the chosen `<option>`.
const SKIP = new Set(['head', 'style', 'script', 'title', 'template', 'iframe']);
const BLOCK = new Set(['p', 'div', 'tr', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'ul', 'ol', 'blockquote', 'pre', 'hr', 'section', 'article', 'header', 'footer', 'center', 'dl', 'dt', 'dd', 'address', 'body', 'html', 'td', 'th', 'tbody', 'thead', 'form', 'fieldset', 'main', 'nav', 'aside', 'figure', 'figcaption', 'caption']);
const VOID = new Set(['br', 'hr', 'img', 'meta', 'link', 'input', 'col', 'area', 'base', 'wbr', 'source', 'track', 'embed', 'param']);
const WHITE: Rgb = [255, 255, 255];
/** Deeper nesting than this is read as if flat: no mail client renders it differently, and it bounds the work. */
const MAX_DEPTH = 256;
const MAX_TEXT = 512 * 1024;
const MAX_HIDDEN = 64 * 1024;

interface State {
  hidden: boolean;
  skip: boolean;
  color: Rgb | null;
  background: Rgb;
  quote: number;
  pre: boolean;
  /** This element's reordered run (see RLO): the controls that open and end it, written only around text, or null. */
  dir: { open: string; end: string; opened: boolean } | null;
  /** Its text is moved out of order (a transform: see movesOf). */
  moved: boolean;
}

/**
 * Reads `<style>`: the selectors whose rules hide their text, those whose rules reorder it (with the
 * control that does the same) and those that move it sideways, for `.class`, `tag.class` and `#id`
 * rules. Rules of other kinds, and whatever this reading misses, are left to `reordersSomewhere`.
 */
function styleSelectors(css: string, hidden: Set<string>, reorder: Map<string, string>, moved: Set<string>): void {
  for (const rule of css.slice(0, 200_000).split('}')) {
    const open = rule.indexOf('{');
    if (open < 0) continue;
    const style = parseStyle(rule.slice(open + 1));
    const hides = isHiddenStyle(style);
    const reorders = reorderOf(style, '', undefined);
    const moves = movesOf(style);
    if (!hides && !reorders && !moves) continue;
    for (const sel of rule.slice(0, open).split(',')) {
      const m = /(?:^|\s|[a-z0-9])([.#][\w-]+)\s*$/i.exec(sel.trim());
      if (!m) continue;
      const key = m[1]!.toLowerCase();
      if (hides) hidden.add(key);
      if (reorders) reorder.set(key, reorders);
      if (moves) moved.add(key);
    }
  }
}

/** Nesting no mail client or person produces; beyond it the markup is cut (and the mail flagged). */
const CUT_DEPTH = 1000;
const TAG = /<(\/?)([a-zA-Z][\w:-]{0,40})[^>]{0,4000}?(\/?)>/g;

/**
 * Where the markup nests deeper than CUT_DEPTH, or -1. htmlparser2 keeps its open elements in an
 * array it shifts at the front, which is quadratic in the depth (200,000 nested `<div>` took over a
 * minute); one linear scan first keeps every input cheap.
 */
function tooDeepAt(html: string): number {
  let depth = 0;
  TAG.lastIndex = 0;
  for (let m = TAG.exec(html); m; m = TAG.exec(html)) {
    const name = m[2]!.toLowerCase();
    if (m[1]) depth = Math.max(0, depth - 1);
    else if (!m[3] && !VOID.has(name)) {
      depth++;
      if (depth > CUT_DEPTH) return m.index;
    }
  }
  return -1;
}

/**
 * Renders HTML to the text a person sees. One pass over the markup (htmlparser2's tokenizer) with
 * a bounded stack: cost is linear in the input, deep nesting included.
 */
export function visibleHtml(input: string): VisibleHtml {
  const cut = tooDeepAt(input);
  const html = cut >= 0 ? input.slice(0, cut) : input;
  const hiddenSel = new Set<string>();
  const reorderSel = new Map<string, string>();
  const movedSel = new Set<string>();
  // <style> blocks usually come first (in <head>); a quick pre-scan catches them wherever they are.
  for (const m of html.slice(0, SCAN_LIMIT).matchAll(/<style[^>]{0,200}>([^<]{0,200000})<\/style>/gi)) styleSelectors(m[1]!, hiddenSel, reorderSel, movedSel);

  const lines: string[] = [];
  const hiddenParts: string[] = [];
  let hiddenLen = 0;
  let line = '';
  let reorderedAt = false;
  /** Reordered runs opened but holding no text yet: an empty `<span dir="rtl"></span>` (Outlook leaves them) reorders nothing. */
  let pendingDirs = 0;
  /** A reordering element nested past MAX_DEPTH, where the rendering reads flat. */
  let deepReordered = false;
  let size = 0;
  let truncated = cut >= 0;
  const stack: State[] = [{ hidden: false, skip: false, color: null, background: WHITE, quote: 0, pre: false, dir: null, moved: false }];
  let depth = 0;
  const top = () => stack[stack.length - 1]!;
  const flush = (blank: boolean) => {
    const t = line.replace(/[ \t]+/g, ' ').trim();
    line = '';
    if (t) lines.push(`${'> '.repeat(Math.min(top().quote, 8))}${t}`);
    else if (blank && lines.length > 0 && lines[lines.length - 1] !== '') lines.push('');
  };

  const parser = new Parser(
    {
      onopentag(name, attribs) {
        depth++;
        if (BLOCK.has(name)) flush(false);
        if (name === 'br') flush(true);
        if (VOID.has(name)) {
          depth--;
          return;
        }
        if (depth > MAX_DEPTH) {
          deepReordered ||= reorderOf(parseStyle((attribs['style'] ?? '').slice(0, 4000)), name, attribs['dir']) !== null;
          return;
        }
        const parent = top();
        const style = parseStyle((attribs['style'] ?? '').slice(0, 4000));
        const classes = (attribs['class'] ?? '').toLowerCase().split(/\s+/).filter(Boolean).slice(0, 20);
        // What `<style>` rules can name this element by: its classes, then its id.
        const selectors = classes.map((c) => `.${c}`);
        if (attribs['id'] !== undefined) selectors.push(`#${attribs['id'].toLowerCase()}`);
        const background = parseColor(style.get('background-color') ?? style.get('background') ?? attribs['bgcolor'] ?? '') ?? parent.background;
        const color = parseColor(style.get('color') ?? (name === 'font' ? (attribs['color'] ?? '') : '')) ?? parent.color;
        const hidden =
          parent.hidden ||
          'hidden' in attribs ||
          isHiddenStyle(style) ||
          selectors.some((k) => hiddenSel.has(k)) ||
          (color !== null && tooClose(color, background));
        const skip = parent.skip || SKIP.has(name);
        const reorder = reorderOf(style, name, attribs['dir']) ?? selectors.map((k) => reorderSel.get(k)).find((r) => r !== undefined) ?? null;
        const dir = reorder !== null && !hidden && !skip ? { open: reorder, end: reorder === RLO ? PDF : PDI, opened: false } : null;
        if (dir) pendingDirs++;
        stack.push({
          hidden,
          skip,
          color,
          background,
          quote: parent.quote + (name === 'blockquote' ? 1 : 0),
          pre: parent.pre || name === 'pre',
          dir,
          moved: parent.moved || movesOf(style) || selectors.some((k) => movedSel.has(k)),
        });
      },
      ontext(raw) {
        const s = top();
        if (s.skip) return;
        const text = s.pre ? raw : raw.replace(/\s+/g, ' ');
        if (s.hidden) {
          if (hiddenLen < MAX_HIDDEN) {
            hiddenParts.push(text);
            hiddenLen += text.length;
          }
          return;
        }
        if (size >= MAX_TEXT) {
          truncated = true;
          return;
        }
        size += text.length;
        if (pendingDirs > 0 && text.trim() !== '') {
          // A right-to-left run of right-to-left words alone (a Hebrew title line) moves no left-to-right
          // word: it opens at text with a letter of another script. An override reverses any letters.
          const ltr = LEFT_TO_RIGHT_LETTER.test(text);
          for (const st of stack) {
            if (st.dir && !st.dir.opened && (ltr || st.dir.open === RLO)) {
              line += st.dir.open;
              st.dir.opened = true;
              pendingDirs--;
              reorderedAt = true;
            }
          }
        }
        // The first text moved out of order is marked, once: enough for the decision to flag it.
        if (s.moved && !reorderedAt && text.trim() !== '') {
          line += RLI;
          reorderedAt = true;
        }
        if (s.pre && text.includes('\n')) {
          const parts = text.split('\n');
          for (let i = 0; i < parts.length; i++) {
            line += parts[i];
            if (i < parts.length - 1) flush(true);
          }
        } else line += text;
      },
      onclosetag(name) {
        if (VOID.has(name)) return;
        // The element's right-to-left run ends with it (its stack entry is on top unless nested past MAX_DEPTH).
        const closing = depth <= MAX_DEPTH && stack.length > 1 ? top().dir : null;
        if (closing?.opened) line += closing.end;
        else if (closing) pendingDirs--;
        if (BLOCK.has(name)) flush(name === 'p' || name === 'div' || name === 'blockquote' || name === 'table');
        if (depth <= MAX_DEPTH && stack.length > 1) stack.pop();
        depth--;
      },
    },
    // A browser ignores "/>" on an HTML element that is not void: `<style/>` opens a style block that
    // hides everything up to `</style>`, and so it must here (in SVG and MathML "/>" still closes).
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true, recognizeSelfClosing: false },
  );
  // A browser also ends a comment at "--!>" (HTML's "incorrectly closed comment"); htmlparser2 does not.
  parser.write(html.replaceAll('--!>', '-->'));
  parser.end();
  flush(false);
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  // Reordering the rendering did not place (see reordersSomewhere) is marked where the text starts.
  if (!reorderedAt && (deepReordered || reordersSomewhere(input))) lines.unshift(RLI);
  return { text: lines.join('\n'), hidden: hiddenParts.join(' ').replace(/\s+/g, ' ').trim(), truncated };
}
