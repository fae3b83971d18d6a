/**
 * Whether a failed delivery is worth retrying. RFC 5321 §4.2.1: a 4yz reply is a transient failure,
 * a 5yz reply permanent. A connection that fails, times out or drops mid-DATA never got a reply: it
 * is transient (the same mail, with the same Message-ID, is offered again).
 */
export type SendFailure = 'transient' | 'permanent';

export function classifySendError(e: { responseCode?: number | undefined; code?: string | undefined }): SendFailure {
  // Our own login was refused (RFC 4954 §6: 535; Exchange Online's 550 5.7.30 for Basic auth): a fault
  // of the configuration or of the token, not of the mail. Retried with backoff until it is fixed.
  if (e.code === 'EAUTH') return 'transient';
  if (typeof e.responseCode === 'number') {
    if (e.responseCode >= 500 && e.responseCode < 600) return 'permanent';
    return 'transient';
  }
  // Our own refusals (a message too large, an address the server rejected before talking) are permanent.
  if (e.code === 'EENVELOPE' || e.code === 'EMESSAGE') return 'permanent';
  return 'transient';
}
