import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as openpgp from 'openpgp';
import path from 'node:path';
import { CliContext } from '../cli/context.js';
import { runCli } from '../cli/main.js';
import { explainReason, type Reason } from '../core/reasons.js';
import { openDb } from '../db/open-db.js';
import { importRegistry } from '../registry/import-registry.js';
import { formatProblem, loadRegistry } from '../registry/load-registry.js';
import { DEMO_AUTHSERV_ID, DEMO_MAIL, renderDemoMail } from './demo-mail.js';
import { writeDemoRegistry } from './write-demo-registry.js';

/**
 * `npm run demo`: the main job on the embedded default — a local Maildir, no servers, no network.
 * Everything lives in ./var/demo and is made fresh on each run.
 */
async function main(): Promise<void> {
  // As the countersign binary does: what the demo writes (database, keys, outbox) is the owner's only.
  process.umask(0o077);
  const dir = path.resolve('var/demo');
  rmSync(dir, { recursive: true, force: true });
  const dbPath = path.join(dir, 'countersign.sqlite');
  const maildir = path.join(dir, 'maildir');
  const say = (s: string) => process.stdout.write(`${s}\n`);
  const outbox = path.join(dir, 'outbox');
  const env = {
    ...process.env,
    COUNTERSIGN_OUTBOX_DIR: outbox,
    COUNTERSIGN_DB: dbPath,
    COUNTERSIGN_MAILDIR: maildir,
    COUNTERSIGN_AUTHSERV_ID: DEMO_AUTHSERV_ID,
    COUNTERSIGN_FROM: 'apipartners@partners.example',
    COUNTERSIGN_LOG_LEVEL: 'warn',
  };

  say(`Countersign demo in ${path.relative(process.cwd(), dir)}`);
  const demo = await writeDemoRegistry(dir);
  Object.assign(env, { COUNTERSIGN_SIGNING_KEY: demo.signingKeyFile });
  say(`\n1. A registry with freshly generated partner keys: ${path.relative(process.cwd(), demo.file)}`);
  const db = openDb(dbPath);
  const loaded = await loadRegistry(demo.file);
  if (!loaded.ok) throw new Error(loaded.problems.map(formatProblem).join('\n'));
  importRegistry(db, loaded.registry, { actor: 'operator:demo', fileBytes: readFileSync(demo.file) });
  db.$client.close();
  say('   imported (validated first, written in one transaction).');

  // Delivered as an MTA delivers to a Maildir: written in tmp/, then renamed into new/.
  for (const sub of ['tmp', 'new', 'cur']) mkdirSync(path.join(maildir, sub), { recursive: true });
  const now = new Date();
  DEMO_MAIL.forEach((m, i) => {
    const name = `${Math.floor(now.getTime() / 1000) + i}.demo${i}.countersign`;
    writeFileSync(path.join(maildir, 'tmp', name), renderDemoMail(m, now));
    renameSync(path.join(maildir, 'tmp', name), path.join(maildir, 'new', name));
  });
  say(`\n2. ${DEMO_MAIL.length} client emails delivered to ${path.relative(process.cwd(), maildir)}/new; running \`countersign run --once\`.`);
  const code = await runCli(['run', '--once'], new CliContext(env));
  if (code !== 0) throw new Error(`countersign run --once exited ${code}`);

  say('\n3. What happened to each message:');
  const check = openDb(dbPath);
  const rows = check.$client.prepare('SELECT from_address, subject, outcome, reasons FROM messages ORDER BY id').all() as { from_address: string; subject: string; outcome: string; reasons: string }[];
  for (const r of rows) {
    say(`   ${r.outcome.toUpperCase().padEnd(8)} ${r.from_address} — "${r.subject}"`);
    for (const reason of JSON.parse(r.reasons) as Reason[]) say(`            · ${explainReason(reason)}`);
  }
  check.$client.close();

  say(`\n4. Mail written to ${path.relative(process.cwd(), outbox)} (the embedded default for SMTP):`);
  const sent = readdirSync(outbox).filter((f) => f.endsWith('.eml')).sort((a, b) => parseInt(a, 10) - parseInt(b, 10));
  for (const f of sent) {
    const raw = readFileSync(path.join(outbox, f), 'utf8');
    say(`   ${f.padEnd(40)} to ${/^To: (.*)$/m.exec(raw)?.[1]}  "${/^Subject: (.*)$/m.exec(raw)?.[1]}"`);
  }
  const partnerMail = sent.find((f) => f.includes('partner_production_identifiers')) ?? sent.find((f) => f.includes('partner_'));
  if (partnerMail) {
    say(`\n5. ${partnerMail}, decrypted with the partner's private key, as the developer reads it:`);
    const raw = readFileSync(path.join(outbox, partnerMail), 'utf8');
    const armored = /-----BEGIN PGP MESSAGE-----[\s\S]*?-----END PGP MESSAGE-----/.exec(raw)![0];
    const { data, signatures } = await openpgp.decrypt({
      message: await openpgp.readMessage({ armoredMessage: armored }),
      decryptionKeys: await openpgp.readPrivateKey({ armoredKey: demo.partnerPrivateKeys.get('acme')! }),
      verificationKeys: await openpgp.readKey({ armoredKey: readFileSync(demo.signingKeyFile.replace('.private.asc', '.asc'), 'utf8') }),
    });
    const verified = await signatures[0]?.verified.then(() => true, () => false);
    say(`   (signature by Countersign: ${verified ? 'good' : 'BAD'})`);
    for (const line of String(data).split(/\r?\n/)) say(`   | ${line}`);
  }

  say('\n6. countersign status');
  await runCli(['status'], new CliContext(env));
  say('\n7. countersign log verify');
  await runCli(['log', 'verify'], new CliContext(env));
  say(`\nFiled mail: ${path.relative(process.cwd(), maildir)}/.Countersign.{Processed,Flagged,Ignored}/cur`);
  say(`Look around: COUNTERSIGN_DB=${path.relative(process.cwd(), dbPath)} npx countersign log`);
}

await main();
