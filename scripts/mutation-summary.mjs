#!/usr/bin/env node
// Prints what the last Stryker run found, from its JSON report (mutation-testing-report-schema):
// per file killed / survived / no-coverage / timeout and the score over type-valid mutants, then
// every mutant that was not detected, as file:line, mutator and replacement.
//
//   node scripts/mutation-summary.mjs [--report reports/mutation/mutation.json] [FILE_SUBSTRING…]
//
// Type-valid: mutants the TypeScript checker rejected (CompileError) could never ship, and Stryker
// leaves Ignored and RuntimeError mutants out of its score too. Score = (killed + timeout) / valid,
// as Stryker counts it: a mutant that makes the tests hang is detected.
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
let reportPath = 'reports/mutation/mutation.json';
const filters = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--report') reportPath = args[++i];
  else filters.push(args[i]);
}

let report;
try {
  report = JSON.parse(readFileSync(reportPath, 'utf8'));
} catch (e) {
  process.stderr.write(`mutation-summary: cannot read ${reportPath} (${e.code ?? e.message}); run \`npx stryker run\` first.\n`);
  process.exit(1);
}

const COUNTED = ['Killed', 'Survived', 'NoCoverage', 'Timeout'];
const rows = [];
const undetected = [];
const total = { Killed: 0, Survived: 0, NoCoverage: 0, Timeout: 0, CompileError: 0, other: 0 };

for (const [file, result] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
  if (filters.length > 0 && !filters.some((f) => file.includes(f))) continue;
  const n = { Killed: 0, Survived: 0, NoCoverage: 0, Timeout: 0, CompileError: 0, other: 0 };
  for (const m of result.mutants) {
    if (m.status in n) n[m.status]++;
    else n.other++;
    if (m.status === 'Survived' || m.status === 'NoCoverage') {
      const replacement = (m.replacement ?? '').replace(/\s+/g, ' ').trim();
      undetected.push({
        where: `${file}:${m.location.start.line}:${m.location.start.column}`,
        status: m.status,
        mutator: m.mutatorName,
        replacement: replacement.length > 100 ? `${replacement.slice(0, 97)}...` : replacement,
      });
    }
  }
  for (const k of Object.keys(total)) total[k] += n[k];
  rows.push([file, n]);
}

const score = (n) => {
  const valid = COUNTED.reduce((s, k) => s + n[k], 0);
  return valid === 0 ? 'n/a' : `${((100 * (n.Killed + n.Timeout)) / valid).toFixed(2)}%`;
};
const header = ['file', 'killed', 'survived', 'no-cov', 'timeout', 'type-err', 'score'];
const table = [header, ...rows.map(([f, n]) => [f, n.Killed, n.Survived, n.NoCoverage, n.Timeout, n.CompileError, score(n)])];
if (rows.length > 1) table.push(['all', total.Killed, total.Survived, total.NoCoverage, total.Timeout, total.CompileError, score(total)]);
const widths = header.map((_, i) => Math.max(...table.map((r) => String(r[i]).length)));
for (const r of table) {
  process.stdout.write(`${r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ')}\n`);
}
process.stdout.write(`\nscore = (killed + timeout) / (killed + survived + no-coverage + timeout); type errors excluded\n`);

if (undetected.length > 0) {
  process.stdout.write(`\nundetected mutants (${undetected.length}):\n`);
  for (const u of undetected) {
    process.stdout.write(`  ${u.where}  ${u.status === 'NoCoverage' ? '[no coverage] ' : ''}${u.mutator}  → ${u.replacement}\n`);
  }
}
