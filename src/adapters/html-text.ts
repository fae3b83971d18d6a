import { convert } from 'html-to-text';

const OPTIONS = {
  wordwrap: false as const,
  selectors: [
    // Quoted history in Gmail, Apple Mail and most webmail; Outlook's is cut later at its From/Sent block.
    { selector: 'blockquote', format: 'skip' },
    { selector: '.gmail_quote', format: 'skip' },
    { selector: '.yahoo_quoted', format: 'skip' },
    { selector: '.moz-cite-prefix', format: 'skip' },
    { selector: 'img', format: 'skip' },
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'style', format: 'skip' },
    { selector: 'head', format: 'skip' },
  ],
};

/** HTML-only mail → the text a person sees, without quoted history. */
export function htmlToText(html: string): string {
  return convert(html.length > 2_000_000 ? html.slice(0, 2_000_000) : html, OPTIONS);
}
