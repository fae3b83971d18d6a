import { describe, expect, it } from 'vitest';
import { parseAuthenticationResults, trustedAuthResults } from '../../src/core/authentication-results.js';
import type { InboundMail } from '../../src/core/inbound-mail.js';
import { checkSender, evidenceFromHeader, type SenderDirectory } from '../../src/core/sender-policy.js';

const DIR: SenderDirectory = {
  clients: [
    { id: 'riverside', name: 'Riverside', domains: ['riversidefm.org', 'clinic.riversidefm.org'], approvers: [] },
    { id: 'lakeside', name: 'Lakeside', domains: ['lakesidepeds.org'], approvers: ['dr.ortiz@lakesidepeds.org'] },
  ],
  staff: ['ops@partners.example'],
};

function mail(from: string, opts: { name?: string; ar?: string[]; subject?: string; sender?: string; headers?: Record<string, string[]>; text?: string } = {}): InboundMail {
  const headers = new Map<string, string[]>(Object.entries(opts.headers ?? {}));
  if (opts.ar) headers.set('authentication-results', opts.ar);
  return {
    messageId: '<m@x>',
    from: [{ address: from, name: opts.name ?? '' }],
    sender: opts.sender ? { address: opts.sender, name: '' } : null,
    replyTo: [],
    to: [],
    cc: [],
    subject: opts.subject ?? 'Acme Scheduler',
    date: null,
    inReplyTo: null,
    references: [],
    headers,
    text: opts.text ?? 'Approved for production.',
    html: null,
    contentType: 'text/plain',
    reportType: null,
    attachments: [],
    embeddedMessageIds: [],
    returnPath: from,
    defects: [],
  };
}

const verify = (m: InboundMail) => checkSender(m, DIR, evidenceFromHeader(trustedAuthResults(m.headers.get('authentication-results') ?? [], 'mx.partners.example')));
const PASS = 'mx.partners.example; dkim=pass header.d=riversidefm.org; spf=pass smtp.mailfrom=riversidefm.org; dmarc=pass (p=reject) header.from=riversidefm.org';

describe('Authentication-Results (RFC 8601)', () => {
  it('parses methods, results and properties, ignoring comments', () => {
    const r = parseAuthenticationResults('mx.partners.example 1; dkim=pass (2048-bit key; secure) header.d=riversidefm.org header.s="sel 1"; dmarc=pass (p=NONE) header.from=riversidefm.org');
    expect(r).toEqual({
      authservId: 'mx.partners.example',
      results: [
        { method: 'dkim', result: 'pass', props: { 'header.d': 'riversidefm.org', 'header.s': 'sel 1' } },
        { method: 'dmarc', result: 'pass', props: { 'header.from': 'riversidefm.org' } },
      ],
    });
  });

  it('trusts only the topmost header with our authserv-id, never a lower one the sender may have written', () => {
    const top = 'mx.partners.example; dmarc=fail header.from=riversidefm.org';
    const chosen = trustedAuthResults(['mx.google.com; dmarc=pass header.from=riversidefm.org', top, PASS], 'mx.partners.example');
    expect(chosen?.results[0]).toMatchObject({ method: 'dmarc', result: 'fail' });
  });
});

describe('sender policy', () => {
  it('verifies a client whose DMARC passed for its own domain', () => {
    expect(verify(mail('pm@riversidefm.org', { ar: [PASS] }))).toEqual({ kind: 'verified', role: 'client', client: 'riverside', address: 'pm@riversidefm.org', method: 'dmarc' });
  });

  it('verifies on a DKIM pass aligned with the From domain when DMARC has no result', () => {
    const v = verify(mail('pm@clinic.riversidefm.org', { ar: ['mx.partners.example; dkim=pass header.d=riversidefm.org'] }));
    expect(v).toMatchObject({ kind: 'verified', client: 'riverside', method: 'dkim' });
  });

  it('does not verify a DKIM pass from an unrelated signing domain', () => {
    const v = verify(mail('pm@riversidefm.org', { ar: ['mx.partners.example; dkim=pass header.d=esp.example; dmarc=fail header.from=riversidefm.org'] }));
    expect(v.kind).toBe('unverified');
  });

  it('does not verify a DMARC pass evaluated for another From domain', () => {
    const v = verify(mail('pm@riversidefm.org', { ar: ['mx.partners.example; dmarc=pass header.from=attacker.example'] }));
    expect(v.kind).toBe('unverified');
  });

  it('treats a message without our Authentication-Results as unverified', () => {
    expect(verify(mail('pm@riversidefm.org', { ar: [PASS.replace('mx.partners.example', 'mx.evil.example')] }))).toMatchObject({ kind: 'unverified', detail: expect.stringContaining('no Authentication-Results') });
  });

  it.each([
    ['riversidefrn.org', 'edit_distance'],
    ['riversidefm.com', 'other_suffix'],
    ['xn--rversidefm-x2i.org', 'punycode'],
    ['lakesidepeds.co', 'other_suffix'],
  ])('names the lookalike domain %s (%s)', (domain, how) => {
    expect(verify(mail(`pm@${domain}`, { ar: [PASS] }))).toMatchObject({ kind: 'lookalike_domain', how });
  });

  it('calls an unrelated domain unknown, not a lookalike', () => {
    expect(verify(mail('office@newclinic.example', { ar: [PASS] }))).toEqual({ kind: 'unknown_domain', address: 'office@newclinic.example', domain: 'newclinic.example' });
  });

  it('accepts a subdomain only when the registry lists it', () => {
    expect(verify(mail('pm@mail.riversidefm.org', { ar: [PASS] }))).toMatchObject({ kind: 'unlisted_subdomain', of: 'riversidefm.org' });
  });

  it('flags a display name that holds another address', () => {
    expect(verify(mail('pm@riversidefm.org', { name: 'ceo@lakesidepeds.org', ar: [PASS] }))).toEqual({ kind: 'display_name_address', address: 'pm@riversidefm.org', shown: 'ceo@lakesidepeds.org' });
  });

  it('rejects a production approval forwarded by the client (Fwd: subject)', () => {
    expect(verify(mail('pm@riversidefm.org', { subject: 'Fwd: Acme Scheduler', ar: [PASS] }))).toMatchObject({ kind: 'forwarded' });
  });

  it('rejects mail re-sent with Resent-From', () => {
    expect(verify(mail('pm@riversidefm.org', { headers: { 'resent-from': ['dev@acmehealth.io'] }, ar: [PASS] }))).toMatchObject({ kind: 'forwarded', how: 'Resent-From header' });
  });

  it('rejects an address that is not among the listed approvers', () => {
    expect(verify(mail('frontdesk@lakesidepeds.org', { ar: [PASS.replace(/riversidefm/g, 'lakesidepeds')] }))).toEqual({ kind: 'not_approver', client: 'lakeside', address: 'frontdesk@lakesidepeds.org' });
  });

  it('rejects mail sent on behalf of the client by someone else', () => {
    expect(verify(mail('pm@riversidefm.org', { sender: 'va@acmehealth.io', ar: [PASS] }))).toMatchObject({ kind: 'sent_on_behalf', sender: 'va@acmehealth.io' });
  });

  it('recognises verified staff', () => {
    expect(verify(mail('ops@partners.example', { ar: ['mx.partners.example; dmarc=pass header.from=partners.example'] }))).toEqual({ kind: 'verified', role: 'staff', address: 'ops@partners.example', method: 'dmarc' });
  });
});
