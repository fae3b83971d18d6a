/**
 * `npm run bench:sender` (not a test): how long the sender check takes per message with a large
 * registry, in process (no database): the index built once per registry snapshot, then
 * `checkSender` for a registered domain, an unknown one and lookalikes of each kind.
 * Prints one JSON object. `-- --clients N` sets the registry size (default 100,000).
 *
 * Two registries: `practices`, plausible distinct names (syllables + a word + a suffix), and
 * `numbered`, `clinicN-health.org`: names that differ only in a few digits, the worst case for the
 * lookalike buckets, since every name shares all its other characters with thousands of others.
 */
import type { InboundMail } from '../../src/core/inbound-mail.js';
import { senderIndex } from '../../src/core/sender-index.js';
import { checkSender, type ClientRef, type SenderDirectory } from '../../src/core/sender-policy.js';

const args = process.argv.slice(2);
const n = args.includes('--clients') ? Number(args[args.indexOf('--clients') + 1]) : 100_000;
if (!Number.isInteger(n) || n < 1000) throw new Error('--clients takes a whole number of at least 1000');

function mail(from: string): InboundMail {
  const bodyParts = { hasPlainPart: true, htmlText: null, hiddenText: '', calendar: false, truncatedAt: null };
  return {
    ...bodyParts,
    messageId: '<bench@x>',
    from: [{ address: from, name: '' }],
    sender: null,
    replyTo: [],
    to: [],
    cc: [],
    subject: 'Acme Scheduler',
    date: null,
    inReplyTo: null,
    references: [],
    headers: new Map(),
    text: 'Approved for production.',
    html: null,
    contentType: 'text/plain',
    reportType: null,
    attachments: [],
    embeddedMessageIds: [],
    returnPath: from,
    defects: [],
  };
}

function practices(count: number): ClientRef[] {
  const syllables = ['ri', 'ver', 'side', 'lake', 'hill', 'crest', 'north', 'val', 'ley', 'oak', 'pine', 'brook', 'ma', 'ple', 'sun', 'rise', 'west', 'glen', 'wood', 'park', 'view', 'stone', 'bay', 'cedar', 'elm', 'mill', 'field', 'ash', 'fox', 'deer'];
  const words = ['fm', 'peds', 'clinic', 'health', 'medical', 'family', 'care', 'md', 'pc', 'med'];
  const tlds = ['org', 'com', 'net', 'us', 'health'];
  let seed = 0x9e3779b9;
  const pick = <T>(xs: readonly T[]): T => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return xs[(seed >>> 0) % xs.length]!;
  };
  const domains = new Set<string>();
  while (domains.size < count) domains.add(`${pick(syllables)}${pick(syllables)}${pick(syllables)}${pick(words)}.${pick(tlds)}`);
  return [...domains].map((d, i) => ({ id: `c${i}`, name: d, domains: [d], approvers: [] }));
}

const numbered = (count: number): ClientRef[] => Array.from({ length: count }, (_, i) => ({ id: `c${i}`, name: `Clinic ${i}`, domains: [`clinic${i}-health.org`], approvers: [] }));

/** Mean microseconds per call over enough calls to last about half a second, after a warm-up. */
function perMessage(dir: SenderDirectory, from: string): { us: number; kind: string } {
  const m = mail(from);
  const kind = checkSender(m, dir, null).kind;
  for (let i = 0; i < 50; i++) checkSender(m, dir, null);
  let calls = 0;
  const started = process.hrtime.bigint();
  let elapsed = 0n;
  while (elapsed < 500_000_000n) {
    for (let i = 0; i < 100; i++) checkSender(m, dir, null);
    calls += 100;
    elapsed = process.hrtime.bigint() - started;
  }
  return { us: Math.round(Number(elapsed) / calls / 10) / 100, kind };
}

function run(name: string, clients: ClientRef[]) {
  const dir: SenderDirectory = { clients, staff: ['ops@partners.example'] };
  const started = process.hrtime.bigint();
  senderIndex(dir);
  const buildMs = Math.round(Number(process.hrtime.bigint() - started) / 1e6);
  const known = clients[Math.floor(clients.length / 2)]!.domains[0]!;
  const [label, ...rest] = known.split('.');
  const suffix = rest.join('.');
  const cases: Record<string, string> = {
    known,
    unknown: 'brand-new-practice.example',
    unlistedSubdomain: `mail.${known}`,
    lookalikeEditDistance: `${label!.slice(0, 1)}${label}.${suffix}`,
    lookalikeOtherSuffix: `${label}.co`,
    lookalikeConfusable: known.replace('e', '\u0435'),
  };
  const perMessageUs: Record<string, number> = {};
  const verdicts: Record<string, string> = {};
  for (const [what, domain] of Object.entries(cases)) {
    const r = perMessage(dir, `pm@${domain}`);
    perMessageUs[what] = r.us;
    verdicts[what] = r.kind;
  }
  return { registry: name, clients: clients.length, indexBuildMs: buildMs, perMessageUs, verdicts };
}

const heapBefore = process.memoryUsage().heapUsed;
const results = [run('practices', practices(n)), run('numbered', numbered(n))];
process.stdout.write(
  `${JSON.stringify({ node: process.version, clients: n, results, heapUsedMb: Math.round((process.memoryUsage().heapUsed - heapBefore) / 2 ** 20) }, null, 2)}\n`,
);
