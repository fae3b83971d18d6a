#!/usr/bin/env node
// Writes the independent evaluation set for the approval decision: test/fixtures/eval/{dev,test}/
// (raw .eml files and LABELS.tsv), registry.yaml and the partner keys it points at.
// Deterministic: the same files on every run (keys are generated once and then reused).
//   node scripts/build-eval-set.mjs
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as openpgp from 'openpgp';
import { stringify } from 'yaml';
import { PARTNERS, registryObject } from './eval-set/world.mjs';
import { sha } from './eval-set/common.mjs';
import { compose } from './eval-set/compose.mjs';
import { cleanApprovals } from './eval-set/clean-approvals.mjs';
import { generatedFlags } from './eval-set/generated-flags.mjs';
import { HAND_CONTENT } from './eval-set/hard-content.mjs';
import { HAND_SENDERS } from './eval-set/hard-senders.mjs';

const ROOT = fileURLToPath(new URL('../test/fixtures/eval/', import.meta.url));
const HALVES = ['dev', 'test'];
const COLUMNS = ['file', 'action', 'intent', 'app', 'client', 'category', 'note'];

async function ensureKeys() {
  mkdirSync(path.join(ROOT, 'keys'), { recursive: true });
  for (const p of PARTNERS) {
    const file = path.join(ROOT, 'keys', `${p.id}.asc`);
    if (existsSync(file)) continue;
    // Generated once and committed: the registry import needs a valid, unexpired encryption key.
    const { publicKey } = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name: p.name, email: p.contact }], format: 'armored' });
    writeFileSync(file, publicKey);
  }
}

/** Within each category, cases sorted by the hash of their name go alternately to dev and test. */
function split(cases) {
  const byCategory = new Map();
  for (const c of cases) byCategory.set(c.category, [...(byCategory.get(c.category) ?? []), c]);
  const halves = { dev: [], test: [] };
  [...byCategory.keys()].sort().forEach((cat, ci) => {
    const sorted = byCategory.get(cat).sort((a, b) => (sha(a.name) < sha(b.name) ? -1 : 1));
    sorted.forEach((c, i) => halves[HALVES[(i + ci) % 2]].push(c));
  });
  return halves;
}

const cell = (v) => String(v ?? '').replace(/[\t\r\n]+/g, ' ');

async function main() {
  const cases = [...cleanApprovals(), ...HAND_CONTENT, ...HAND_SENDERS, ...generatedFlags()];
  const names = new Set();
  for (const c of cases) {
    if (names.has(c.name)) throw new Error(`duplicate case name ${c.name}`);
    if (!/^[a-z0-9-]+$/.test(c.name)) throw new Error(`bad case name ${c.name}`);
    names.add(c.name);
  }
  await ensureKeys();
  writeFileSync(path.join(ROOT, 'registry.yaml'), `# The registry the evaluation set is labelled against (written by scripts/build-eval-set.mjs).\n${stringify(registryObject())}`);
  const halves = split(cases);
  for (const half of HALVES) {
    const dir = path.join(ROOT, half);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const rows = [COLUMNS.join('\t')];
    for (const c of halves[half].sort((a, b) => a.name.localeCompare(b.name))) {
      const file = `${c.name}.eml`;
      writeFileSync(path.join(dir, file), await compose(c));
      rows.push([file, c.action, c.intent, c.app, c.client, c.category, c.note].map(cell).join('\t'));
    }
    writeFileSync(path.join(dir, 'LABELS.tsv'), `${rows.join('\n')}\n`);
  }
  const counts = {};
  for (const half of HALVES) for (const c of halves[half]) (counts[c.category] ??= { dev: 0, test: 0 })[half]++;
  const hand = cases.filter((c) => c.hand).length;
  process.stdout.write(`wrote ${cases.length} messages (dev ${halves.dev.length}, test ${halves.test.length}; ${hand} hand-written hard cases) to ${path.relative(process.cwd(), ROOT)}\n`);
  for (const [cat, n] of Object.entries(counts).sort()) process.stdout.write(`  ${cat.padEnd(24)} dev ${String(n.dev).padStart(3)}  test ${String(n.test).padStart(3)}\n`);
  void readdirSync;
}

await main();
