/**
 * The CSS a mail client honours to hide text: enough of CSS to tell whether a person can read an
 * element, nothing more. Every parse is a bounded scan of a capped string.
 */
export type Rgb = readonly [number, number, number];

export function parseStyle(style: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const decl of style.slice(0, 4000).split(';')) {
    const colon = decl.indexOf(':');
    if (colon < 0) continue;
    const prop = decl.slice(0, colon).trim().toLowerCase();
    const value = decl
      .slice(colon + 1)
      .replace(/!important/i, '')
      .trim()
      .toLowerCase();
    if (prop) out.set(prop, value);
  }
  return out;
}

const NAMED: Record<string, Rgb> = {
  white: [255, 255, 255],
  black: [0, 0, 0],
  snow: [255, 250, 250],
  ivory: [255, 255, 240],
  whitesmoke: [245, 245, 245],
  ghostwhite: [248, 248, 255],
  floralwhite: [255, 250, 240],
  linen: [250, 240, 230],
  mintcream: [245, 255, 250],
  azure: [240, 255, 255],
  aliceblue: [240, 248, 255],
  seashell: [255, 245, 238],
  honeydew: [240, 255, 240],
  red: [255, 0, 0],
  blue: [0, 0, 255],
  green: [0, 128, 0],
  gray: [128, 128, 128],
  grey: [128, 128, 128],
  silver: [192, 192, 192],
  yellow: [255, 255, 0],
  navy: [0, 0, 128],
};

/** A CSS colour (#rgb, #rrggbb, rgb()/rgba(), a few names), or null when it is none of these. */
export function parseColor(value: string): Rgb | null {
  const v = value.trim().toLowerCase().slice(0, 100);
  if (!v) return null;
  const hex = /#([0-9a-f]{3}|[0-9a-f]{6})\b/.exec(v);
  if (hex) {
    const h = hex[1]!;
    const full = h.length === 3 ? [...h].map((c) => c + c).join('') : h;
    return [parseInt(full.slice(0, 2), 16), parseInt(full.slice(2, 4), 16), parseInt(full.slice(4, 6), 16)];
  }
  const rgb = /rgba?\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*(?:,\s*([\d.]+)\s*)?\)/.exec(v);
  if (rgb) {
    // A fully transparent colour shows nothing.
    if (rgb[4] !== undefined && Number(rgb[4]) < 0.1) return null;
    return [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])];
  }
  const word = /^[a-z]+/.exec(v)?.[0];
  return word && NAMED[word] ? NAMED[word] : null;
}

/** Text this close to its background cannot be read (white on white, #fefefe on #fff). */
export function tooClose(a: Rgb, b: Rgb): boolean {
  const d = Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
  return d < 40;
}

function lengthPx(value: string): number | null {
  const m = /^(-?[\d.]+)\s*(px|pt|em|rem|%|vw|vh|in|cm|mm)?$/.exec(value.trim());
  if (!m) return null;
  const n = Number(m[1]);
  if (Number.isNaN(n)) return null;
  switch (m[2]) {
    case 'pt':
      return n * 1.333;
    case 'em':
    case 'rem':
      return n * 16;
    case '%':
      return (n / 100) * 16;
    case 'in':
      return n * 96;
    case 'cm':
      return n * 37.8;
    case 'mm':
      return n * 3.78;
    default:
      return n;
  }
}

const OFFSCREEN = -500;

/** Whether these declarations hide an element's text from a reader. */
export function isHiddenStyle(style: ReadonlyMap<string, string>): boolean {
  const get = (p: string) => style.get(p) ?? '';
  if (/^none\b/.test(get('display'))) return true;
  if (/^(hidden|collapse)\b/.test(get('visibility'))) return true;
  if (get('mso-hide') === 'all') return true;
  const opacity = Number.parseFloat(get('opacity'));
  if (!Number.isNaN(opacity) && opacity < 0.1) return true;
  const font = get('font-size');
  if (font) {
    const px = lengthPx(font);
    if (px !== null && px < 4) return true;
  }
  const lineHeight = lengthPx(get('line-height'));
  const overflowHidden = /hidden|clip/.test(get('overflow'));
  for (const p of ['height', 'max-height', 'width', 'max-width']) {
    const px = lengthPx(get(p));
    if (px !== null && px < 2 && overflowHidden) return true;
  }
  if (lineHeight !== null && lineHeight < 2 && overflowHidden) return true;
  if (/^(absolute|fixed)/.test(get('position'))) {
    for (const p of ['left', 'top', 'right', 'bottom']) {
      const px = lengthPx(get(p));
      if (px !== null && px <= OFFSCREEN) return true;
    }
  }
  const indent = lengthPx(get('text-indent'));
  if (indent !== null && indent <= OFFSCREEN) return true;
  if (/rect\(\s*0(px)?\s*,?\s*0(px)?\s*,?\s*0(px)?\s*,?\s*0(px)?\s*\)/.test(get('clip'))) return true;
  if (/inset\(\s*50%/.test(get('clip-path'))) return true;
  if (/scale\(\s*0(\.0+)?\s*[,)]/.test(get('transform'))) return true;
  const color = get('color');
  if (color === 'transparent') return true;
  return false;
}
