import { describe, expect, it } from 'vitest';
import { classifySendError } from '../../src/core/smtp-failure.js';

describe('which failed deliveries are retried', () => {
  it.each([
    [{ responseCode: 451, code: 'EMESSAGE' }, 'transient'],
    [{ responseCode: 550, code: 'EENVELOPE' }, 'permanent'],
    [{ code: 'ECONNECTION' }, 'transient'],
    [{ code: 'ESOCKET' }, 'transient'],
    [{ code: 'EENVELOPE' }, 'permanent'],
    // A refused login is about our credentials, not the mail: retried, never parked as failed.
    [{ responseCode: 535, code: 'EAUTH' }, 'transient'],
    [{ responseCode: 550, code: 'EAUTH' }, 'transient'],
  ])('%o is %s', (e, expected) => {
    expect(classifySendError(e)).toBe(expected);
  });
});
