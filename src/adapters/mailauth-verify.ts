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
    const signatures = res.dkim.results.map((r) => ({ result: r.status.result, domain: r.signingDomain?.toLowerCase() ?? '' }));
    // The same rule as for our server's header: signatures that disagree (a pass and a fail) are
    // not evidence either way.
    const outcomes = new Set(signatures.map((s) => s.result));
    return {
      source: 'mailauth',
      dmarc: res.dmarc ? { result: res.dmarc.status.result, fromDomain: dmarcFromDomain(res.dkim.headerFrom, res.dmarc.domain) } : null,
      dkimPass: signatures.filter((s) => s.result === 'pass').map((s) => s.domain).filter(Boolean),
      spf: res.spf ? res.spf.status.result : null,
      ...(outcomes.size > 1 ? { doubt: `DKIM signatures disagree (${signatures.map((s) => `${s.result} for ${s.domain || 'no domain'}`).join('; ')})` } : {}),
    };
  };
}

/**
 * The From domain mailauth evaluated DMARC for. mailauth reports the organizational domain
 * (`riversidefm.org` for `clinic.riversidefm.org`), while the verdict compares with the From
 * domain itself: with exactly one From address, that address's domain is the one evaluated.
 */
function dmarcFromDomain(headerFrom: readonly string[], reported: string | undefined): string | null {
  if (headerFrom.length !== 1) return reported?.toLowerCase() ?? null;
  const address = headerFrom[0]!.toLowerCase();
  return address.slice(address.lastIndexOf('@') + 1) || null;
}
