import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { explainRefusal } from '../core/approval-state.js';
import { applyStep, type StepRequest } from '../db/approval-store.js';
import { openDb } from '../db/open-db.js';
import { CliContext } from '../cli/context.js';
import { runCli } from '../cli/main.js';
import { importRegistry } from '../registry/import-registry.js';
import { formatProblem, loadRegistry } from '../registry/load-registry.js';
import { writeDemoRegistry } from './write-demo-registry.js';

/**
 * `npm run demo`: the main job on the embedded default, no servers, no network. Everything lives in
 * ./var/demo and is made fresh on each run.
 */
async function main(): Promise<void> {
  const dir = path.resolve('var/demo');
  rmSync(dir, { recursive: true, force: true });
  const dbPath = path.join(dir, 'countersign.sqlite');
  const say = (s: string) => process.stdout.write(`${s}\n`);

  say(`Countersign demo in ${path.relative(process.cwd(), dir) || dir}`);
  const demo = await writeDemoRegistry(dir);
  say(`1. Wrote a registry with freshly generated partner keys: ${path.relative(process.cwd(), demo.file)}`);

  const db = openDb(dbPath);
  const loaded = await loadRegistry(demo.file);
  if (!loaded.ok) throw new Error(loaded.problems.map(formatProblem).join('\n'));
  importRegistry(db, loaded.registry, { actor: 'operator:demo', fileBytes: readFileSync(demo.file) });
  say('2. Imported it (validated first, written in one transaction).');

  const approvals: (Omit<StepRequest, 'actor' | 'cause'> & { from: string; says: string })[] = [
    {
      from: 'pm@riversidefm.example',
      says: 'We have an agreement with Acme permitting AcmeSched to connect to our test database, and we are happy to serve as a beta site.',
      appId: 'acme-scheduler',
      clientId: 'riverside',
      step: 'beta_consent',
      actorAddress: 'pm@riversidefm.example',
      betaParts: { testDatabaseAgreement: true, betaSiteConsent: true },
      evidence: { matched: ['agreement … test database', 'serve as a beta site'] },
    },
    {
      from: 'dr.ortiz@lakesidepeds.example',
      says: 'Acme Scheduler is approved for production — go ahead.',
      appId: 'acme-scheduler',
      clientId: 'lakeside',
      step: 'production_approval',
      actorAddress: 'dr.ortiz@lakesidepeds.example',
      evidence: { matched: ['approved for production'] },
    },
    {
      from: 'dr.ortiz@lakesidepeds.example',
      says: 'Confirming our agreement giving Acme Scheduler access to our test database; we consent to be a Beta site.',
      appId: 'acme-scheduler',
      clientId: 'lakeside',
      step: 'beta_consent',
      actorAddress: 'dr.ortiz@lakesidepeds.example',
      betaParts: { testDatabaseAgreement: true, betaSiteConsent: true },
      evidence: { matched: ['agreement … test database', 'consent to be a Beta site'] },
    },
    {
      from: 'dr.ortiz@lakesidepeds.example',
      says: 'Acme Scheduler is approved for production — go ahead.',
      appId: 'acme-scheduler',
      clientId: 'lakeside',
      step: 'production_approval',
      actorAddress: 'dr.ortiz@lakesidepeds.example',
      evidence: { matched: ['approved for production'] },
    },
    {
      from: 'pm@riversidefm.example',
      says: 'We agreed with Brightline on test database access and are ready to be a beta site for Brightline Insights.',
      appId: 'brightline-insights',
      clientId: 'riverside',
      step: 'beta_consent',
      actorAddress: 'pm@riversidefm.example',
      betaParts: { testDatabaseAgreement: true, betaSiteConsent: true },
      evidence: { matched: ['test database access', 'ready to be a beta site'] },
    },
  ];
  say('3. Client approvals, through the same state machine and store the daemon uses:');
  for (const a of approvals) {
    const { from, says, ...req } = a;
    const r = applyStep(db, { ...req, actor: 'client', cause: { type: 'message', ref: `<demo-${a.clientId}-${a.step}@demo>` } });
    say(`   ${from}: "${says}"`);
    say(r.ok ? `     → recorded: ${a.appId} at ${a.clientId} ${r.value.from} → ${r.value.to}` : `     → refused: ${explainRefusal(r.error as never)}`);
  }
  db.$client.close();

  say('\n4. countersign status');
  const env = { ...process.env, COUNTERSIGN_DB: dbPath };
  await runCli(['status'], new CliContext(env));
  say('\n5. countersign log verify');
  await runCli(['log', 'verify'], new CliContext(env));
  say(`\nTry: COUNTERSIGN_DB=${path.relative(process.cwd(), dbPath)} npx countersign log`);
}

await main();
