/**
 * Worst-case message bodies for the bench (issue 10, item 7): what a hostile or broken sender can put
 * in one message under the size limit. Each is 25,000,000 bytes of body (under the default 25 MiB
 * COUNTERSIGN_MAX_MESSAGE_BYTES with its headers, so the message is parsed and decided, not set aside
 * as too large), except the short "Please approve" + 100k dashes of the issue.
 */
export const BODY_BYTES = 25_000_000;

/** Every punctuation class the issue names: those that once matched both `\W` and `[\w'’-]`, and the rest. */
export const PUNCTUATION: Readonly<Record<string, string>> = {
  dash: '-',
  apostrophe: "'",
  right_quote: '’',
  dot: '.',
  bang: '!',
  underscore: '_',
  star: '*',
  equals: '=',
  gt: '>',
  space: ' ',
};

/** `unit` repeated to exactly `bytes` bytes of UTF-8 (a multi-byte unit is never cut). */
function fill(unit: string, bytes = BODY_BYTES): Buffer {
  const u = Buffer.from(unit, 'utf8');
  const out = Buffer.alloc(bytes - (bytes % u.length), u);
  return out;
}

/** Runs of 100k characters of each class in turn, each after an approval-looking phrase. */
function mixedRuns(): Buffer {
  const chunks: Buffer[] = [];
  let size = 0;
  for (let i = 0; size < BODY_BYTES; i++) {
    const cls = Object.values(PUNCTUATION)[i % Object.keys(PUNCTUATION).length]!;
    const b = Buffer.from(`Please approve ${cls.repeat(100_000)}\n`, 'utf8');
    chunks.push(b);
    size += b.length;
  }
  return Buffer.concat(chunks).subarray(0, BODY_BYTES);
}

/** 200,000 nested `<div>`, the approval in the innermost one, padded with visible text to 25 MB. */
function deepHtml(): Buffer {
  const open = '<div>'.repeat(200_000);
  const close = '</div>'.repeat(200_000);
  const inner = 'Please approve Acme Scheduler for production. ';
  const pad = BODY_BYTES - open.length - close.length;
  return Buffer.from(open + inner.repeat(Math.floor(pad / inner.length)) + close, 'utf8');
}

export interface HostileCase {
  name: string;
  contentType: 'text/plain' | 'text/html';
  body: () => Buffer;
}

export const HOSTILE_CASES: readonly HostileCase[] = [
  // Not hostile: the fixed cost of a run (process, decision worker start-up) to read the others against.
  { name: 'baseline_typical', contentType: 'text/plain', body: () => Buffer.from('Hello,\n\nAcme Scheduler is approved for production - go ahead.\n\nPat\n') },
  { name: 'one_line', contentType: 'text/plain', body: () => fill('Please approve Acme Scheduler for our production environment ') },
  { name: 'short_lines', contentType: 'text/plain', body: () => fill('ok\n') },
  { name: 'punctuation_mixed_runs', contentType: 'text/plain', body: mixedRuns },
  ...Object.entries(PUNCTUATION).map(([name, cls]) => ({ name: `punctuation_${name}`, contentType: 'text/plain' as const, body: () => fill(`Please approve ${cls.repeat(100_000)}\n`) })),
  { name: 'deep_html_200k_div', contentType: 'text/html', body: deepHtml },
  { name: 'approve_100k_dashes', contentType: 'text/plain', body: () => Buffer.from(`Please approve ${'-'.repeat(100_000)}\n`) },
];

/** The whole message: an authenticated client's mail, so every check of the decision runs. */
export function hostileMessage(c: HostileCase, i: number, authservId: string): Buffer {
  const head = [
    `Authentication-Results: ${authservId}; dkim=pass header.d=riversidefm.example; spf=pass smtp.mailfrom=riversidefm.example; dmarc=pass header.from=riversidefm.example`,
    'Return-Path: <pm@riversidefm.example>',
    'From: Pat Quinn <pm@riversidefm.example>',
    'To: API Partners <apipartners@partners.example>',
    `Subject: Acme Scheduler (${c.name})`,
    `Message-ID: <worst-${i}-${c.name}@riversidefm.example>`,
    'Date: Mon, 23 Nov 2026 15:00:00 +0000',
    'MIME-Version: 1.0',
    `Content-Type: ${c.contentType}; charset=utf-8`,
    'Content-Transfer-Encoding: 8bit',
    '',
    '',
  ].join('\r\n');
  return Buffer.concat([Buffer.from(head), c.body()]);
}
