import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config.js';
import { registerAppCommand } from './app-command.js';
import { CliContext } from './context.js';
import { registerIntegrationCommand } from './integration-command.js';
import { registerLogCommand } from './log-command.js';
import { CliError } from './output.js';
import { registerRegistryCommand } from './registry-command.js';
import { registerStatusCommand } from './status-command.js';
import { registerRunCommand } from './run-command.js';
import { registerShadowCommand } from './shadow-command.js';
import { registerClassifyCommand } from './classify-command.js';
import { registerKeysCommand } from './keys-command.js';
import { registerFlagsCommand } from './flags-command.js';
import { registerBackupCommand } from './backup-command.js';
import { registerExportCommand } from './export-command.js';
import { registerDoctorCommand } from './doctor-command.js';

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('countersign')
    .description('Records API-partner approval emails as verified state changes and answers them safely.')
    .version(process.env.npm_package_version ?? '0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => ctx.out.stdout(s), writeErr: (s) => ctx.out.stderr(s) })
    .exitOverride()
    // So that `log verify --json` gives --json to verify, not to log.
    .enablePositionalOptions();
  registerRunCommand(program, ctx);
  registerClassifyCommand(program, ctx);
  registerStatusCommand(program, ctx);
  registerLogCommand(program, ctx);
  registerRegistryCommand(program, ctx);
  registerAppCommand(program, ctx);
  registerIntegrationCommand(program, ctx);
  registerShadowCommand(program, ctx);
  registerKeysCommand(program, ctx);
  registerFlagsCommand(program, ctx);
  registerBackupCommand(program, ctx);
  registerExportCommand(program, ctx);
  registerDoctorCommand(program, ctx);
  return program;
}

/** Runs the CLI; returns the exit code instead of exiting, so tests can call it in-process. */
export async function runCli(argv: string[], ctx: CliContext = new CliContext()): Promise<number> {
  const program = buildProgram(ctx);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    if (e instanceof CliError) {
      ctx.out.stderr(`countersign: ${e.message}\n`);
      return e.exitCode;
    }
    if (e instanceof ConfigError) {
      ctx.out.stderr(`countersign: configuration: ${e.message}\n`);
      return 2;
    }
    ctx.out.stderr(`countersign: unexpected error: ${(e as Error).stack ?? String(e)}\n`);
    return 70;
  } finally {
    ctx.close();
  }
}
