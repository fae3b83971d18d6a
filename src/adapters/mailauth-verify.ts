import { authenticate, type DNSResolver } from 'mailauth';
import type { InboundMail } from '../core/inbound-mail.js';
import type { AuthEvidence } from '../core/sender-policy.js';

/**
 * COUNTERSIGN_VERIFY_DKIM=1: DKIM, SPF and DMARC verified in-process with mailauth instead of
 * trusting a receiving server's Authentication-Results. The connecting IP and HELO come from the
 * topmost Received header (our own server's). Tests pass a resolver that serves their test keys.
 */
export function mailauthVerifier(opts: { resolver?: DNSResolver; mta?: string } = {}) {
  return async (raw: Buffer, _mail: InboundMail): Promise<AuthEvidence> => {
    const res = await authenticate(raw, {
      trustReceived: true,
      disableArc: true,
      disableBimi: true,
      ...(opts.resolver ? { resolver: opts.resolver } : {}),
      ...(opts.mta ? { mta: opts.mta } : {}),
    });
    return {
      source: 'mailauth',
      dmarc: res.dmarc ? { result: res.dmarc.status.result, fromDomain: res.dmarc.domain?.toLowerCase() ?? null } : null,
      dkimPass: res.dkim.results.filter((r) => r.status.result === 'pass').map((r) => r.signingDomain.toLowerCase()),
      spf: res.spf ? res.spf.status.result : null,
    };
  };
}
