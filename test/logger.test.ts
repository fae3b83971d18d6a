import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { clearSecrets, registerSecrets } from '../src/secret-scrubber.js';

function capture(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { lines, stream };
}

afterEach(() => clearSecrets());

describe('root logger', () => {
  it('masks a registered environment identifier wherever it appears in a log line', () => {
    registerSecrets(['RFM-TEST-7731']);
    const { lines, stream } = capture();
    const log = createLogger({ destination: stream });
    log.info({ note: 'ids RFM-TEST-7731 sent' }, 'sending RFM-TEST-7731');
    log.error(new Error('failed for RFM-TEST-7731'));
    const all = lines.join('');
    expect(all).not.toContain('RFM-TEST-7731');
    expect(all.match(/\[REDACTED\]/g)?.length).toBeGreaterThanOrEqual(3);
  });

  it('redacts secret-bearing fields by name', () => {
    const { lines, stream } = capture();
    const log = createLogger({ destination: stream });
    log.info({ client: { testEnvironmentIds: ['X-1234'] }, imap: { password: 'hunter22' }, passphrase: 'p' }, 'config');
    const entry = JSON.parse(lines[0]!);
    expect(entry.client.testEnvironmentIds).toBe('[REDACTED]');
    expect(entry.imap.password).toBe('[REDACTED]');
    expect(entry.passphrase).toBe('[REDACTED]');
  });
});
