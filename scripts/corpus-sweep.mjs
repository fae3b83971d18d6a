#!/usr/bin/env node
// CI's sweep of ../shared/corpus (real mail from public projects' test suites): every message must get
// a decision from `countersign classify --json`, none may be applied, and at least 95% of those
// labelled auto_reply or bounce must be ignored. Prints the figures; exits non-zero when a bar is missed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(process.argv[2] ?? fileURLToPath(new URL('../../shared/corpus', import.meta.url)));
if (!existsSync(root)) {
  console.log(`corpus sweep: ${root} not found; skipped`);
  process.exit(0);
}
const bin = fileURLToPath(new URL('./countersign.js', import.meta.url));
// Only RFC 5322 messages: the reply-parser corpora hold bare bodies, and some files are data.
const looksLikeMessage = (buf) => /^(?:From [^\n]*\n)?(?:[\x21-\x39\x3b-\x7e]+:[^\n]*\r?\n(?:[ \t][^\n]*\r?\n)*)+/.test(buf.subarray(0, 4096).toString('latin1'));

const files = [];
const labelOf = new Map();
for (const src of readdirSync(root)) {
  const labels = path.join(root, src, 'LABELS.tsv');
  if (!existsSync(labels)) continue;
  for (const line of readFileSync(labels, 'utf8').split('\n').slice(1)) {
    const [file, label] = line.split('\t');
    if (!file || label === 'other' && !/\.(eml|msg|box|txt)$/.test(file)) continue;
    const full = path.join(root, src, file);
    if (!existsSync(full)) continue;
    if (!looksLikeMessage(readFileSync(full))) continue;
    files.push(full);
    labelOf.set(full, label);
  }
}
const dir = mkdtempSync(path.join(tmpdir(), 'cs-sweep-'));
const env = { ...process.env, COUNTERSIGN_DB: path.join(dir, 'sweep.sqlite'), COUNTERSIGN_LOG_LEVEL: 'error' };
const started = process.hrtime.bigint();
const r = spawnSync(process.execPath, [bin, 'classify', '--json', ...files], { env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
rmSync(dir, { recursive: true, force: true });
if (r.status !== 0) {
  console.error(r.stderr);
  console.error(`corpus sweep: countersign classify exited ${r.status}`);
  process.exit(1);
}
const lines = r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
const byFile = new Map(lines.map((l) => [l.file, l]));
const missing = files.filter((f) => !byFile.has(f));
const applied = lines.filter((l) => l.decision === 'apply');
const automated = files.filter((f) => labelOf.get(f) === 'auto_reply' || labelOf.get(f) === 'bounce');
const ignored = automated.filter((f) => byFile.get(f)?.decision === 'ignore');
const notIgnored = automated.filter((f) => byFile.get(f)?.decision !== 'ignore');
const counts = {};
for (const l of lines) counts[l.decision] = (counts[l.decision] ?? 0) + 1;
const rate = automated.length ? ignored.length / automated.length : 1;
console.log(`corpus sweep: ${files.length} messages in ${seconds.toFixed(1)} s; decisions ${JSON.stringify(counts)}`);
console.log(`corpus sweep: auto-replies and bounces ignored: ${ignored.length}/${automated.length} (${(rate * 100).toFixed(1)}%)`);
for (const f of notIgnored) console.log(`  not ignored: ${path.relative(root, f)} → ${byFile.get(f)?.decision} [${byFile.get(f)?.reasons.join(', ')}]`);
let ok = true;
if (missing.length) {
  ok = false;
  console.error(`corpus sweep: ${missing.length} messages got no decision, e.g. ${missing.slice(0, 5).join(', ')}`);
}
if (applied.length) {
  ok = false;
  console.error(`corpus sweep: ${applied.length} messages were APPLIED: ${applied.map((l) => l.file).join(', ')}`);
}
if (rate < 0.95) {
  ok = false;
  console.error('corpus sweep: fewer than 95% of auto-replies and bounces were ignored');
}
process.exit(ok ? 0 : 1);
