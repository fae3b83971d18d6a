import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

/**
 * Checks the independent evaluation set itself (scripts/build-eval-set.mjs), not the decision:
 * how the decision does on it is what `npm run eval` measures.
 */
const ROOT = fileURLToPath(new URL('../fixtures/eval/', import.meta.url));
const HALVES = ['dev', 'test'] as const;
const COLUMNS = ['file', 'action', 'intent', 'app', 'client', 'category', 'note'];
const ACTIONS = ['apply', 'flag', 'ignore'];
const INTENTS = ['beta_consent', 'production_approval', 'ga_signoff', 'withdrawal', 'staff_reply', 'other'];

interface Label { file: string; action: string; intent: string; app: string; client: string; category: string; note: string }

function labels(half: string): { header: string[]; rows: Label[] } {
  const [head, ...lines] = readFileSync(path.join(ROOT, half, 'LABELS.tsv'), 'utf8').trimEnd().split('\n');
  const header = head!.split('\t');
  return { header, rows: lines.map((l) => Object.fromEntries(l.split('\t').map((v, i) => [header[i], v])) as unknown as Label) };
}

const set = Object.fromEntries(HALVES.map((h) => [h, labels(h)])) as Record<(typeof HALVES)[number], { header: string[]; rows: Label[] }>;
const all = HALVES.flatMap((h) => set[h].rows.map((r) => ({ ...r, half: h })));
const registry = parse(readFileSync(path.join(ROOT, 'registry.yaml'), 'utf8')) as { clients: { id: string; domains: string[] }[]; apps: { id: string }[]; partners: { publicKey: string }[] };
const countBy = (rows: Label[]) => rows.reduce<Record<string, number>>((m, r) => ({ ...m, [r.category]: (m[r.category] ?? 0) + 1 }), {});

/** The unfolded header block of a raw message (RFC 5322 §2.2.3). */
function headers(raw: string): string[] {
  return raw.slice(0, raw.search(/\r?\n\r?\n/)).replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/);
}

describe('the evaluation set', () => {
  it('holds at least 480 messages, about half in each half', () => {
    expect(all.length).toBeGreaterThanOrEqual(480);
    expect(Math.abs(set.dev.rows.length - set.test.rows.length)).toBeLessThanOrEqual(all.length * 0.1);
  });

  it('labels every file and has a file for every label, with the documented columns and values', () => {
    for (const h of HALVES) {
      expect(set[h].header).toEqual(COLUMNS);
      const files = readdirSync(path.join(ROOT, h)).filter((f) => f.endsWith('.eml')).sort();
      expect(set[h].rows.map((r) => r.file).sort()).toEqual(files);
    }
    expect(new Set(all.map((r) => r.file)).size).toBe(all.length);
    for (const r of all) {
      expect(ACTIONS, r.file).toContain(r.action);
      expect(INTENTS, r.file).toContain(r.intent);
      expect(r.category, r.file).toMatch(/^[a-z_]+$/);
    }
  });

  it('names only apps and clients the registry holds', () => {
    const apps = new Set(registry.apps.map((a) => a.id));
    const clients = new Set(registry.clients.map((c) => c.id));
    for (const r of all) {
      if (r.app) expect(apps, r.file).toContain(r.app);
      if (r.client) expect(clients, r.file).toContain(r.client);
    }
    for (const p of registry.partners) expect(existsSync(path.join(ROOT, p.publicKey)), p.publicKey).toBe(true);
  });

  it('puts every category in both halves, balanced within 10% (or one message when a category is small)', () => {
    const dev = countBy(set.dev.rows);
    const test = countBy(set.test.rows);
    expect(Object.keys(dev).sort()).toEqual(Object.keys(test).sort());
    for (const cat of Object.keys(dev)) {
      const d = dev[cat]!;
      const t = test[cat]!;
      expect(Math.abs(d - t), `${cat}: dev ${d}, test ${t}`).toBeLessThanOrEqual(Math.max(1, 0.1 * (d + t)));
    }
  });

  it('has at least 200 clean in-stage approvals, every one labelled apply with one app and its client', () => {
    const clean = all.filter((r) => r.category === 'clean_approval');
    expect(clean.length).toBeGreaterThanOrEqual(200);
    for (const r of clean) {
      expect(r.action, r.file).toBe('apply');
      expect(['beta_consent', 'production_approval', 'ga_signoff'], r.file).toContain(r.intent);
      expect(r.app, r.file).not.toBe('');
      expect(r.client, r.file).not.toBe('');
    }
    expect(all.filter((r) => r.action === 'apply').every((r) => r.category === 'clean_approval')).toBe(true);
    // All four languages the decision is meant to support are among the clean approvals.
    for (const lang of ['en', 'es', 'fr', 'de']) expect(clean.some((r) => r.note.startsWith(`${lang} `)), lang).toBe(true);
  });

  it('authenticates every clean approval under our authserv-id, aligned with a domain of its client', () => {
    for (const r of all.filter((x) => x.category === 'clean_approval')) {
      const hs = headers(readFileSync(path.join(ROOT, r.half, r.file), 'latin1'));
      const ar = hs.find((h) => /^Authentication-Results:/i.test(h)) ?? '';
      const from = hs.find((h) => /^From:/i.test(h)) ?? '';
      const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1]?.toLowerCase();
      const client = registry.clients.find((c) => c.id === r.client)!;
      expect(ar, r.file).toMatch(/^Authentication-Results: mx\.partners\.example;/);
      expect(ar, r.file).toContain('dmarc=pass');
      expect(ar, r.file).toContain(`header.from=${domain}`);
      expect(client.domains, r.file).toContain(domain);
    }
  });

  it('labels automated mail ignore and withdrawals flag', () => {
    for (const r of all.filter((x) => ['auto_reply', 'bounce', 'read_receipt', 'newsletter'].includes(x.category))) expect(r.action, r.file).toBe('ignore');
    for (const r of all.filter((x) => x.intent === 'withdrawal')) expect(r.action, r.file).toBe('flag');
  });
});
