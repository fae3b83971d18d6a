#!/usr/bin/env node
// Measures the approval decision against the independent evaluation set, through the real CLI only
// (so it keeps working whatever the decision's internals are):
//   npm run eval [-- --half dev|test|all] [-- --json]
// Imports test/fixtures/eval/registry.yaml into a throwaway database, runs `countersign classify
// --json` once per half over all its files, and compares with LABELS.tsv. Exit 1 on any false apply.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const EVAL = path.join(ROOT, 'test/fixtures/eval');
const BIN = path.join(ROOT, 'scripts/countersign.js');
const INTENTS = ['beta_consent', 'production_approval', 'ga_signoff', 'withdrawal', 'staff_reply', 'other'];
const AUTHSERV_ID = 'mx.partners.example';

function parseArgs(argv) {
  const opts = { half: 'all', json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') opts.json = true;
    else if (a === '--half') opts.half = argv[++i];
    else if (a.startsWith('--half=')) opts.half = a.slice(7);
    else if (a === '--help' || a === '-h') {
      process.stdout.write('usage: node scripts/eval.mjs [--half dev|test|all] [--json]\n');
      process.exit(0);
    } else fail(`unknown argument ${a}`);
  }
  if (!['dev', 'test', 'all'].includes(opts.half)) fail(`--half must be dev, test or all, not ${opts.half}`);
  return opts;
}

function fail(msg) {
  process.stderr.write(`eval: ${msg}\n`);
  process.exit(2);
}

function run(args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function readLabels(half) {
  const [head, ...rows] = readFileSync(path.join(EVAL, half, 'LABELS.tsv'), 'utf8').trimEnd().split('\n');
  const cols = head.split('\t');
  return rows.map((r) => Object.fromEntries(r.split('\t').map((v, i) => [cols[i], v])));
}

/** A message applied although its label is not apply, or applied as another step, app or client. */
const falseApply = (r) => r.got.decision === 'apply' && (r.label.action !== 'apply' || r.got.intent !== r.label.intent || (r.got.app ?? '') !== r.label.app || (r.got.client ?? '') !== r.label.client);
const miss = (r) => r.got.decision !== r.label.action || r.got.intent !== r.label.intent;
const ratio = (a, b) => (b === 0 ? null : Math.round((a / b) * 1000) / 1000);

function score(rows) {
  const perIntent = {};
  for (const intent of INTENTS) {
    const support = rows.filter((r) => r.label.intent === intent);
    const predicted = rows.filter((r) => r.got.intent === intent);
    const tp = support.filter((r) => r.got.intent === intent).length;
    perIntent[intent] = {
      messages: support.length,
      precision: ratio(tp, predicted.length),
      recall: ratio(tp, support.length),
      actionCorrect: ratio(support.filter((r) => r.got.decision === r.label.action).length, support.length),
      falseApplies: support.filter(falseApply).length,
      misses: support.filter(miss).map((r) => ({
        file: r.label.file,
        category: r.label.category,
        expected: `${r.label.action} ${r.label.intent}${r.label.app ? ` ${r.label.app}` : ''}`,
        got: `${r.got.decision} ${r.got.intent}${r.got.app ? ` ${r.got.app}` : ''}`,
        reasons: r.got.reasons,
      })),
    };
  }
  const perCategory = {};
  for (const r of rows) {
    const c = (perCategory[r.label.category] ??= { messages: 0, actionCorrect: 0, falseApplies: 0 });
    c.messages++;
    if (r.got.decision === r.label.action) c.actionCorrect++;
    if (falseApply(r)) c.falseApplies++;
  }
  const clean = rows.filter((r) => r.label.category === 'clean_approval');
  const confusion = {};
  for (const r of rows) {
    const k = `${r.label.action}->${r.got.decision}`;
    confusion[k] = (confusion[k] ?? 0) + 1;
  }
  return {
    messages: rows.length,
    actionAccuracy: ratio(rows.filter((r) => r.got.decision === r.label.action).length, rows.length),
    cleanApprovals: clean.length,
    cleanApplied: clean.filter((r) => r.got.decision === 'apply' && !falseApply(r)).length,
    cleanAppliedShare: ratio(clean.filter((r) => r.got.decision === 'apply' && !falseApply(r)).length, clean.length),
    falseApplies: rows.filter(falseApply).map((r) => ({ file: r.label.file, category: r.label.category, expected: `${r.label.action} ${r.label.intent} ${r.label.app}`, got: `${r.got.decision} ${r.got.intent} ${r.got.app ?? ''}`, reasons: r.got.reasons })),
    ignoredAutomated: ratio(rows.filter((r) => r.label.action === 'ignore' && r.got.decision === 'ignore').length, rows.filter((r) => r.label.action === 'ignore').length),
    confusion,
    perIntent,
    perCategory,
  };
}

async function classifyHalf(half, env) {
  const labels = readLabels(half);
  const files = labels.map((l) => path.join(EVAL, half, l.file));
  const r = await run(['classify', '--json', ...files], env);
  const got = new Map();
  for (const line of r.stdout.split('\n')) {
    if (!line.trim()) continue;
    const o = JSON.parse(line);
    got.set(path.basename(o.file), o);
  }
  if (got.size === 0) fail(`classify printed nothing for ${half} (exit ${r.code}): ${r.stderr.slice(0, 2000)}`);
  return labels.map((label) => ({ label, got: got.get(label.file) ?? { decision: 'missing', intent: 'missing', app: null, client: null, reasons: ['no output line'] } }));
}

const pct = (x) => (x === null ? '   –  ' : `${(x * 100).toFixed(1).padStart(5)}%`);

function printReport(name, s, withMisses) {
  const out = [];
  out.push(`\n== ${name}: ${s.messages} messages ==`);
  out.push(`clean approvals applied: ${s.cleanApplied}/${s.cleanApprovals} (${pct(s.cleanAppliedShare).trim()})   false applies: ${s.falseApplies.length}   action accuracy: ${pct(s.actionAccuracy).trim()}   automated ignored: ${pct(s.ignoredAutomated).trim()}`);
  out.push(`actions (label->got): ${Object.entries(s.confusion).sort().map(([k, v]) => `${k} ${v}`).join(', ')}`);
  out.push(`${'intent'.padEnd(20)} ${'msgs'.padStart(5)} ${'precision'.padStart(9)} ${'recall'.padStart(7)} ${'action ok'.padStart(9)} ${'false applies'.padStart(13)}`);
  for (const [intent, v] of Object.entries(s.perIntent)) out.push(`${intent.padEnd(20)} ${String(v.messages).padStart(5)} ${pct(v.precision).padStart(9)} ${pct(v.recall).padStart(7)} ${pct(v.actionCorrect).padStart(9)} ${String(v.falseApplies).padStart(13)}`);
  out.push(`${'category'.padEnd(24)} ${'msgs'.padStart(5)} ${'action ok'.padStart(9)} ${'false applies'.padStart(13)}`);
  for (const [cat, v] of Object.entries(s.perCategory).sort()) out.push(`${cat.padEnd(24)} ${String(v.messages).padStart(5)} ${pct(ratio(v.actionCorrect, v.messages)).padStart(9)} ${String(v.falseApplies).padStart(13)}`);
  if (s.falseApplies.length) {
    out.push('FALSE APPLIES:');
    for (const m of s.falseApplies) out.push(`  ${m.file} [${m.category}] expected ${m.expected}, got ${m.got} (${m.reasons.join(', ')})`);
  }
  if (withMisses) {
    for (const [intent, v] of Object.entries(s.perIntent)) {
      if (!v.misses.length) continue;
      out.push(`misses, ${intent} (${v.misses.length}):`);
      for (const m of v.misses) out.push(`  ${m.file} [${m.category}] expected ${m.expected}; got ${m.got} (${m.reasons.join(', ') || 'no reasons'})`);
    }
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'cs-eval-'));
  // Only our own settings: nothing from the caller's environment changes the decision.
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? tmp,
    COUNTERSIGN_DB: path.join(tmp, 'eval.sqlite'),
    COUNTERSIGN_MAILDIR: path.join(tmp, 'maildir'),
    COUNTERSIGN_OUTBOX_DIR: path.join(tmp, 'outbox'),
    COUNTERSIGN_AUTHSERV_ID: AUTHSERV_ID,
    COUNTERSIGN_FROM: 'apipartners@partners.example',
    COUNTERSIGN_LOG_LEVEL: 'silent',
  };
  try {
    const imp = await run(['registry', 'import', path.join(EVAL, 'registry.yaml')], env);
    if (imp.code !== 0) fail(`registry import failed (exit ${imp.code}): ${imp.stderr}`);
    const halves = opts.half === 'all' ? ['dev', 'test'] : [opts.half];
    const rows = {};
    for (const h of halves) rows[h] = await classifyHalf(h, env);
    const report = { halves: Object.fromEntries(halves.map((h) => [h, score(rows[h])])) };
    if (halves.length > 1) report.overall = score(halves.flatMap((h) => rows[h]));
    const summary = report.overall ?? report.halves[halves[0]];
    if (opts.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else {
      for (const h of halves) printReport(h, report.halves[h], true);
      if (report.overall) printReport('overall', report.overall, false);
      process.stdout.write(`\nKEY: clean approvals applied ${halves.map((h) => `${h} ${pct(report.halves[h].cleanAppliedShare).trim()}`).join(', ')}; false applies ${summary.falseApplies.length}\n`);
    }
    process.exitCode = summary.falseApplies.length > 0 ? 1 : 0;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
