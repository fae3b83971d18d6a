import { generateKeyPairSync } from 'node:crypto';
import { dkimSign } from 'mailauth';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPhraseLists } from '../../src/adapters/load-phrases.js';
import { mailauthVerifier } from '../../src/adapters/mailauth-verify.js';
import { parseMail } from '../../src/adapters/parse-mail.js';
import { detectLanguage } from '../../src/adapters/detect-language.js';
import { decideMessage } from '../../src/daemon/decide-message.js';
import { loadDecisionContext } from '../../src/db/load-decision-context.js';
import { makeMail, PRODUCTION_APPROVAL } from '../helpers/mail.js';
import { seededDb } from '../helpers/test-db.js';

const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pubB64 = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');

/** A local DNS with the test keys: what mailauth would otherwise ask the internet. */
const records: Record<string, string[][]> = {
  'TXT:s1._domainkey.riversidefm.org': [[`v=DKIM1; k=rsa; p=${pubB64}`]],
  'TXT:_dmarc.riversidefm.org': [['v=DMARC1; p=reject']],
  'TXT:riversidefm.org': [['v=spf1 ip4:192.0.2.10 -all']],
};
const resolver = async (name: string, type: string) => {
  const r = records[`${type}:${name.toLowerCase()}`];
  if (r) return r;
  throw Object.assign(new Error(`no ${type} for ${name}`), { code: 'ENOTFOUND' });
};

async function signed(body = PRODUCTION_APPROVAL, from = 'pm@riversidefm.org'): Promise<string> {
  const msg = makeMail({ from, auth: null, body }).replace(
    /^Return-Path: .*\r\n/m,
    (m) => `${m}Received: from mail.riversidefm.org (mail.riversidefm.org [192.0.2.10]) by mx.partners.example with ESMTPS; Mon, 23 Nov 2026 15:00:01 +0000\r\n`,
  );
  // mailauth's runtime takes signatureData (its .d.ts names the fields at the top level instead).
  const options = { signatureData: [{ signingDomain: 'riversidefm.org', selector: 's1', privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string }] };
  const res = await dkimSign(msg, options as unknown as Parameters<typeof dkimSign>[1]);
  expect(res.errors).toEqual([]);
  return res.signatures + msg;
}

describe('in-process DKIM/SPF/DMARC with mailauth (COUNTERSIGN_VERIFY_DKIM=1)', () => {
  const verify = mailauthVerifier({ resolver, mta: 'mx.partners.example' });
  let ctx: ReturnType<typeof loadDecisionContext>;
  beforeAll(async () => {
    ctx = loadDecisionContext(await seededDb(), { ownAddresses: [], minConfidence: 0.6 });
  });
  const deps = { phrases: loadPhraseLists(), detectLanguage, authservId: null, verifyAuth: verify };

  it('verifies a correctly signed client message and applies it', async () => {
    const raw = Buffer.from(await signed());
    const evidence = await verify(raw, await parseMail(raw));
    expect(evidence).toMatchObject({ source: 'mailauth', dmarc: { result: 'pass', fromDomain: 'riversidefm.org' }, dkimPass: ['riversidefm.org'], spf: 'pass' });
    const d = await decideMessage(raw, await parseMail(raw), ctx, deps);
    expect(d.sender).toMatchObject({ kind: 'verified', client: 'riverside' });
    expect(d.action).toBe('apply');
  });

  it('does not verify a signed message altered in transit and relayed from outside the SPF record', async () => {
    // DKIM breaks with the body; SPF fails for the relay's IP; so DMARC has nothing aligned to pass on.
    const raw = Buffer.from((await signed()).replace('go ahead', 'go ahead now').replace('[192.0.2.10]', '[198.51.100.7]'));
    const evidence = await verify(raw, await parseMail(raw));
    expect(evidence.dkimPass).toEqual([]);
    const d = await decideMessage(raw, await parseMail(raw), ctx, deps);
    expect(d.sender.kind).toBe('unverified');
    expect(d.action).toBe('flag');
  });

  it('ignores an Authentication-Results header the sender wrote itself', async () => {
    const forged = `Authentication-Results: mx.partners.example; dmarc=pass header.from=riversidefm.org\r\n${makeMail({ auth: null })}`;
    const raw = Buffer.from(forged);
    const d = await decideMessage(raw, await parseMail(raw), ctx, deps);
    expect(d.sender.kind).toBe('unverified');
  });
});
