#!/usr/bin/env node
import { runCli } from './main.js';

// Before anything is opened: every file and folder this process creates (database, WAL, backups,
// exports, outbox mail, Maildir folders) is closed to group and others, whatever library creates it.
process.umask(0o077);
process.exitCode = await runCli(process.argv.slice(2));
