import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config.js';
import { registerAppCommand } from './app-command.js';
import { CliContext } from './context.js';
import { registerIntegrationCommand } from './integration-command.js';
import { registerLogCommand } from './log-command.js';
import { CliError, printJsonError, type ErrorCode } from './output.js';
import { TemplateError } from '../adapters/templates.js';
import { registerRegistryCommand } from './registry-command.js';
import { registerStatusCommand } from './status-command.js';
import { registerRunCommand } from './run-command.js';
import { registerShadowCommand } from './shadow-command.js';
import { registerClassifyCommand } from './classify-command.js';
import { registerKeysCommand } from './keys-command.js';
import { registerFlagsCommand } from './flags-command.js';
import { registerOutboxCommand } from './outbox-command.js';
import { registerBackupCommand } from './backup-command.js';
import { registerExportCommand } from './export-command.js';
import { registerDoctorCommand } from './doctor-command.js';
import { registerMessagesCommand } from './messages-command.js';
import { registerMessageCommand } from './message-command.js';

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
  registerOutboxCommand(program, ctx);
  registerBackupCommand(program, ctx);
  registerExportCommand(program, ctx);
  registerDoctorCommand(program, ctx);
  registerMessagesCommand(program, ctx);
  registerMessageCommand(program, ctx);
  return program;
}

/** Whether the operator asked for JSON: then a failure is also one JSON document on stdout. */
function wantsJson(argv: string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
}

/**
 * Runs the CLI; returns the exit code instead of exiting, so tests can call it in-process.
 * Exit codes: 0 done; 1 refused, failed, not found or a check found a problem; 2 a configuration
 * variable, file or entry to fix (named in the message); 3 a registry import done in part (the
 * entries of a partner with an unusable key skipped, each named); 70 a bug (EX_SOFTWARE, sysexits(3)).
 */
export async function runCli(argv: string[], ctx: CliContext = new CliContext()): Promise<number> {
  const program = buildProgram(ctx);
  const json = wantsJson(argv);
  const fail = (exitCode: number, code: ErrorCode, message: string): number => {
    ctx.out.stderr(`countersign: ${message}\n`);
    if (json) printJsonError(ctx.out, code, message);
    return exitCode;
  };
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Commander has already written its message (or the help) to stderr.
      if (json && e.exitCode !== 0) printJsonError(ctx.out, 'usage', e.message.replace(/^error: /, ''));
      return e.exitCode;
    }
    if (e instanceof CliError) return fail(e.exitCode, e.code, e.message);
    if (e instanceof ConfigError) return fail(2, 'configuration', `configuration: ${e.message}`);
    if (e instanceof TemplateError) return fail(2, 'template', `template: ${e.message}`);
    const message = `unexpected error: ${(e as Error).message ?? String(e)}`;
    ctx.out.stderr(`countersign: ${message}\n${(e as Error).stack ?? ''}\ncountersign: this is a bug in Countersign; please report it with the lines above (they hold no identifiers).\n`);
    if (json) printJsonError(ctx.out, 'internal', message);
    return 70;
  } finally {
    ctx.close();
  }
}
