import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { Config } from '../config.js';
import { signCheckpoint } from '../db/checkpoint.js';
import type { Logger } from '../logger.js';
import type { DeliverDeps } from './deliver-outbox.js';

/** Where the daemon keeps its daily checkpoints: beside the database, in `checkpoints/`. */
export const checkpointDir = (dbPath: string): string => path.join(path.dirname(path.resolve(dbPath)), 'checkpoints');

/**
 * Once a UTC day: sign the log head into `checkpoints/checkpoint-YYYY-MM-DD.json` (+ `.asc`) and,
 * when COUNTERSIGN_AUDIT_TO is set, mail both to the auditor, who keeps them outside our reach. A
 * failure is logged and tried again on the next pass; it never stops the daemon.
 */
export async function dailyCheckpoint(deps: Pick<DeliverDeps, 'db' | 'signingKey' | 'transport' | 'from' | 'teamName'>, config: Pick<Config, 'dbPath' | 'auditTo'>, logger: Logger, now: Date = new Date()): Promise<void> {
  if (!deps.signingKey || config.dbPath === ':memory:') return;
  const day = now.toISOString().slice(0, 10);
  const dir = checkpointDir(config.dbPath);
  const name = `checkpoint-${day}.json`;
  const file = path.join(dir, name);
  try {
    if (!existsSync(file)) {
      const r = await signCheckpoint(deps.db, deps.signingKey, now);
      if (!r.ok) {
        logger.error({ problem: r.error.message }, 'no daily checkpoint: the log chain is broken');
        return;
      }
      await mkdir(dir, { recursive: true, mode: 0o700 });
      // The signature first: a checkpoint file present means its signature is too.
      await writeFile(`${file}.asc`, r.signature);
      await writeFile(file, r.text, { flag: 'wx' });
      logger.info({ file, seq: r.checkpoint.seq }, 'daily checkpoint written');
    }
    const mailed = `${file}.mailed`;
    if (config.auditTo && !existsSync(mailed)) {
      const { readFile } = await import('node:fs/promises');
      const [text, signature] = await Promise.all([readFile(file, 'utf8'), readFile(`${file}.asc`, 'utf8')]);
      const mail = new MailComposer({
        from: `${deps.teamName} <${deps.from}>`,
        to: config.auditTo,
        subject: `Countersign log checkpoint ${day}`,
        text: `The signed head of Countersign's event log for ${day}.\n\nKeep both attachments. To check the signature: gpg --verify ${name}.asc ${name}\nTo check that the log still extends it: countersign log verify --checkpoint ${name}\n`,
        date: now,
        newline: 'windows',
        attachments: [
          { filename: name, content: text, contentType: 'application/json' },
          { filename: `${name}.asc`, content: signature, contentType: 'application/pgp-signature' },
        ],
        headers: { 'Auto-Submitted': 'auto-generated' },
      });
      const raw = (await mail.compile().build()).toString('utf8');
      await deps.transport.send(raw, { from: deps.from, to: [config.auditTo] }, `checkpoint-${day}`);
      await writeFile(mailed, `${now.toISOString()}\n`);
      logger.info({ to: config.auditTo, file }, 'daily checkpoint mailed');
    }
  } catch (e) {
    logger.warn({ err: { message: (e as Error).message } }, 'daily checkpoint not done; trying again on the next pass');
  }
}
