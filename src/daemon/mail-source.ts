// The port moved to src/mailbox/mail-port.ts; these names stay importable from here.
export type { MailSource } from '../mailbox/mail-port.js';
