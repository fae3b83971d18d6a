/** Declarations as css-visibility's parseStyle reads them: property to value, lower case. */
type Style = ReadonlyMap<string, string>;

// Markup that shows text in another order than it is written goes into the text as the Unicode
// controls that do the same (UAX #9), so the decision sees what a reader sees: `<bdo dir="rtl">` or
// CSS `unicode-bidi: bidi-override` reverses the letters themselves (RLO ... PDF: "ton" shows "not");
// `dir="rtl"` or `direction: rtl` runs the element right to left, and a reversed flex layout or a flex
// `order` moves its parts (RLI ... PDI); text moved sideways (movesOf) is marked with an RLI. The
// decision flags any of them (reordered_text); mail a person writes in Outlook, Gmail or on a phone
// in a left-to-right language holds none.
export const RLO = '\u202E';
export const PDF = '\u202C';
export const RLI = '\u2067';
export const PDI = '\u2069';

/** RLO when these declarations reverse an element's letters, RLI when they reorder it otherwise, else null. */
export function reorderOf(style: Style, name: string, dir: string | undefined): string | null {
  const direction = style.get('direction') ?? '';
  const rtl = dir?.trim().toLowerCase() === 'rtl' || direction === 'rtl' || direction.startsWith('var(');
  if (rtl) return name === 'bdo' || (style.get('unicode-bidi') ?? '').includes('override') ? RLO : RLI;
  const flex = `${style.get('flex-direction') ?? ''} ${style.get('flex-flow') ?? ''}`;
  const order = style.get('order');
  return flex.includes('reverse') || (order !== undefined && order !== '0') ? RLI : null;
}

// Moved out of the line it is written in by a transform (mirrored, turned, shifted). Floats and
// offsets are left alone: signatures float their columns and nudge icons by a pixel or two, and
// counting those flagged genuine approvals.
const TRANSFORMS = ['transform', '-webkit-transform', '-ms-transform', 'translate', 'scale', 'rotate'];

/** Whether these declarations move their element's text out of the order it is written in. */
export function movesOf(style: Style): boolean {
  return TRANSFORMS.some((p) => {
    const v = style.get(p);
    return v !== undefined && v !== 'none';
  });
}

/** How much of the markup is scanned: style blocks and attributes past it do not change a decision's outcome, only the work. */
export const SCAN_LIMIT = 2_000_000;
// CSS that shows text in another order, or shows text the markup does not hold: right to left,
// reversed flex, a flex `order` other than 0, grid placement, table rows moved to the top or bottom,
// vertical writing, and generated text: `content:` with letters, a variable, a counter or quotes
// (`::after { content: " not" }`; an empty clearfix `content: ""` or an arrow holds no words), and a
// list marker given as a string.
const REORDERING_CSS =
  /direction\s*:\s*(?:rtl|var\()|bidi-override|isolate-override|(?:row|column|wrap)-reverse|(?:^|[;{\s])order\s*:\s*(?![+]?0*(?:\.0*)?\s*(?:[;}!]|$))\S|grid-(?:row|column|area)(?:-start|-end)?\s*:|grid-template-areas\s*:|table-(?:header|footer)-group|writing-mode\s*:\s*(?:vertical|sideways|tb)|(?:^|[;{\s])content\s*:\s*(?:["'][^"';}]*\p{L}|[^;}]*(?:attr|var|counter|counters)\(|[^;}]*(?:open|close)-quote)|list-style(?:-type)?\s*:[^;}]*["']/iu;

/** CSS as a browser reads it for this purpose: comments dropped, escapes decoded (`\72tl` is `rtl`). Linear in the input. */
function plainCss(css: string): string {
  let out = '';
  for (let at = 0; at < css.length; ) {
    const open = css.indexOf('/*', at);
    if (open < 0) {
      out += css.slice(at);
      break;
    }
    out += `${css.slice(at, open)} `;
    const close = css.indexOf('*/', open + 2);
    at = close < 0 ? css.length : close + 2;
  }
  return out.replace(/\\([0-9a-f]{1,6})\s?|\\(.)/gi, (_, hex: string | undefined, ch: string | undefined) => {
    if (hex === undefined) return ch ?? '';
    const cp = parseInt(hex, 16);
    return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : '';
  });
}

/**
 * Whether the markup reorders text anywhere, read from its source whatever the rendering below makes
 * of it: a CSS comment or escape, an `@media` block, a declaration a browser discards, a style block
 * holding `<`, nesting past MAX_DEPTH. Style attributes and style blocks are read as CSS. Mail a person
 * writes in a left-to-right language holds none of it.
 */
export function reordersSomewhere(input: string): boolean {
  const html = input.slice(0, SCAN_LIMIT);
  for (const m of html.matchAll(/\bstyle\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi)) {
    if (REORDERING_CSS.test(plainCss(m[1] ?? m[2] ?? m[3] ?? ''))) return true;
  }
  const lower = html.toLowerCase();
  for (let at = lower.indexOf('<style'); at >= 0; at = lower.indexOf('<style', at + 6)) {
    const end = lower.indexOf('</style', at);
    if (REORDERING_CSS.test(plainCss(html.slice(at, end < 0 ? html.length : end)))) return true;
    if (end < 0) break;
  }
  return false;
}

