import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { CliError, printJson } from './output.js';

/** `log checkpoint`: the signed head an auditor keeps (see the README, "Checkpoints for auditors"). */
export function registerCheckpointCommand(log: Command, ctx: CliContext): void {
  log
    .command('checkpoint')
    .description("sign the chain head (event seq, hash, count, time) with the bot's OpenPGP key: a detached, armored signature an auditor checks with gpg --verify")
    .option('--out <file>', 'write the checkpoint to FILE and its signature to FILE.asc (new files) instead of stdout')
    .option('--public-key <file>', "also write the bot's armored public key to this new file, for the auditor's keyring")
    .option('--json', 'print {"checkpoint": {...}, "text": "...", "signature": "-----BEGIN PGP SIGNATURE-----…", "files"?: [...]}')
    .action(async (opts: { out?: string; publicKey?: string; json?: boolean }) => {
      // Loaded here: OpenPGP is heavy, and most commands never need it.
      const { signCheckpoint } = await import('../db/checkpoint.js');
      const { botKey } = await import('./bot-key.js');
      const key = await botKey(ctx.config, 'a checkpoint');
      const r = await signCheckpoint(ctx.db, key);
      if (!r.ok) throw new CliError(`no checkpoint signed: ${r.error.message}`, 1, 'verification_failed');
      const files: string[] = [];
      const create = async (file: string, text: string) => {
        try {
          await writeFile(file, text, { flag: 'wx', mode: 0o644 });
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          throw new CliError(code === 'EEXIST' ? `${file} exists; choose a new file name` : `cannot write ${file}: ${code ?? (e as Error).message}`, 2, 'invalid_input');
        }
        files.push(file);
      };
      if (opts.out) {
        await create(opts.out, r.text);
        await create(`${opts.out}.asc`, r.signature);
      }
      if (opts.publicKey) await create(opts.publicKey, key.toPublic().armor());
      if (opts.json) return printJson(ctx.out, { checkpoint: r.checkpoint, text: r.text, signature: r.signature, ...(files.length ? { files } : {}) });
      if (!opts.out) return ctx.out.stdout(`${r.text}${r.signature}`);
      ctx.out.stdout(`checkpoint at event ${r.checkpoint.seq} (${r.checkpoint.hash.slice(0, 16)}…), signed by ${r.checkpoint.signer}: ${files.join(', ')}\n`);
    });
}

/** `log verify --checkpoint FILE…`: each FILE with its FILE.asc; returns one line per checkpoint, or throws naming the first that fails. */
export async function verifyCheckpoints(ctx: CliContext, files: string[]): Promise<{ file: string; ok: boolean; seq?: number; message: string }[]> {
  const { checkAgainstCheckpoint, explainCheckpointProblem } = await import('../db/checkpoint.js');
  const { botKey } = await import('./bot-key.js');
  const key = (await botKey(ctx.config, 'checking a checkpoint')).toPublic();
  const results: { file: string; ok: boolean; seq?: number; message: string }[] = [];
  for (const file of files) {
    let text: string;
    let signature: string;
    try {
      text = await readFile(file, 'utf8');
      signature = await readFile(`${file}.asc`, 'utf8');
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      throw new CliError(`--checkpoint: cannot read ${err.path ?? file}: ${err.code ?? err.message} (a checkpoint is FILE and its signature FILE.asc)`, 2, 'invalid_input');
    }
    const r = await checkAgainstCheckpoint(ctx.db, text, signature, key);
    results.push(r.ok ? { file, ok: true, seq: r.checkpoint.seq, message: `the log extends the checkpoint at event ${r.checkpoint.seq} signed ${r.checkpoint.at}` } : { file, ok: false, message: explainCheckpointProblem(r.problem) });
  }
  return results;
}

async function readText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new CliError(`${what}: cannot read ${err.path ?? file}: ${err.code ?? err.message}`, 2, 'invalid_input');
  }
}

/** The key that checks checkpoint signatures: an auditor's copy of the public key, or the bot's own. */
async function checkpointKey(ctx: CliContext, keyFile: string | undefined) {
  const openpgp = await import('openpgp');
  if (keyFile === undefined) {
    const { botKey } = await import('./bot-key.js');
    return (await botKey(ctx.config, 'checking a checkpoint (or pass --key with the bot\'s public key)')).toPublic();
  }
  const armored = await readText(keyFile, '--key');
  try {
    return await openpgp.readKey({ armoredKey: armored });
  } catch (e) {
    throw new CliError(`--key: ${keyFile} is not an armored OpenPGP public key: ${(e as Error).message}`, 2, 'invalid_input');
  }
}

/**
 * `log verify --export FILE [--checkpoint CP…] [--key PUBLIC.asc]`: re-checks an export on its own,
 * without the database (an auditor's machine), and that it holds each signed checkpoint's hash.
 */
export async function verifyExportFile(
  ctx: CliContext,
  file: string,
  checkpointFiles: string[],
  keyFile: string | undefined,
): Promise<{ ok: boolean; count: number; firstSeq: number | null; lastSeq: number | null; message: string; checkpoints: { file: string; ok: boolean; message: string }[] }> {
  const { verifyExport, exportMatchesCheckpoint } = await import('../db/verify-export.js');
  const { readSignedCheckpoint, explainCheckpointProblem } = await import('../db/checkpoint.js');
  let doc: unknown;
  try {
    doc = JSON.parse(await readText(file, '--export'));
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`--export: ${file} is not JSON (export it with \`countersign export --format json\`)`, 2, 'invalid_input');
  }
  const v = verifyExport(doc);
  if (!v.ok) return { ok: false, count: 0, firstSeq: null, lastSeq: null, message: v.message, checkpoints: [] };
  const checkpoints: { file: string; ok: boolean; message: string }[] = [];
  const key = checkpointFiles.length > 0 ? await checkpointKey(ctx, keyFile) : null;
  for (const cp of checkpointFiles) {
    const signed = await readSignedCheckpoint(await readText(cp, '--checkpoint'), await readText(`${cp}.asc`, '--checkpoint'), key!);
    if (!signed.ok) {
      checkpoints.push({ file: cp, ok: false, message: explainCheckpointProblem(signed.problem) });
      continue;
    }
    const m = exportMatchesCheckpoint(doc as never, signed.checkpoint);
    checkpoints.push(m.ok ? { file: cp, ok: true, message: `the export holds event ${signed.checkpoint.seq} with the hash signed ${signed.checkpoint.at}` } : { file: cp, ok: false, message: m.message });
  }
  const ok = checkpoints.every((c) => c.ok);
  return { ok, count: v.count, firstSeq: v.firstSeq, lastSeq: v.lastSeq, message: `export intact: ${v.count} event(s)${v.firstSeq === null ? '' : `, ${v.firstSeq}…${v.lastSeq}`}${v.fromGenesis ? ' from the genesis hash' : ''}`, checkpoints };
}
