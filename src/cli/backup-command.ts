import { chmodSync, existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { explainChainProblem } from '../db/log-chain.js';
import { verifyEventLog } from '../db/event-log.js';
import { createPrivateFile, openDb, PRIVATE_FILE_MODE, walFiles } from '../db/open-db.js';
import type { CliContext } from './context.js';
import { CliError, printJson } from './output.js';

export function registerBackupCommand(program: Command, ctx: CliContext): void {
  program
    .command('backup')
    .description("write a consistent copy of the live database (SQLite's online backup, safe while the daemon runs) and verify the copy's log chain")
    .argument('<file>', 'the copy to write (must not exist); created readable by its owner only (0600)')
    .option('--json', 'print {"file", "pages", "events", "headHash"}')
    .action(async (file: string, opts: { json?: boolean }) => {
      const target = path.resolve(file);
      if (existsSync(target) || !existsSync(path.dirname(target))) {
        throw new CliError(existsSync(target) ? `${target} exists; choose a new file name` : `${path.dirname(target)} does not exist; create the folder first`);
      }
      // The copy holds identifiers and raw mail like the database itself: it is created 0600 before
      // SQLite writes into it (an empty file is an empty database to SQLite), never chmod-ed after.
      if (!createPrivateFile(target)) throw new CliError(`${target} exists; choose a new file name`);
      let result: { totalPages: number };
      try {
        result = await ctx.db.$client.backup(target);
      } catch (e) {
        rmSync(target, { force: true });
        throw e;
      }
      const copy = openDb(target);
      try {
        for (const f of [target, ...walFiles(target)]) if (existsSync(f)) chmodSync(f, PRIVATE_FILE_MODE);
        const v = verifyEventLog(copy);
        if (!v.ok) throw new CliError(`the copy was written but its log chain is broken: ${explainChainProblem(v.problem)}`);
        if (opts.json) return printJson(ctx.out, { file: target, pages: result.totalPages, events: v.rows, headHash: v.headHash });
        ctx.out.stdout(`backup written to ${target} (${result.totalPages} pages); log chain intact: ${v.rows} event(s)\n`);
      } finally {
        copy.$client.close();
      }
    });
}
