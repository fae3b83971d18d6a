import { daysLeft, describeExpiry, describeLapse, expiresSoon, KEY_WARN_DAYS, type EffectiveExpiry, type ExpiringKey } from '../core/key-expiry.js';
import type { Db } from '../db/open-db.js';

export { KEY_WARN_DAYS };

export interface PartnerKeyRow {
  partner: string;
  contact: string;
  fingerprint: string | null;
  /**
   * When the key stops being able to encrypt (ISO 8601; null: never): the effective expiry, that of
   * the encryption subkey openpgp would use, bounded by the primary key's. For an unusable key, when
   * it lapsed, if it lapsed by expiring.
   */
  expiresAt: string | null;
  /** The key whose expiry `expiresAt` is (an encryption subkey or the primary key). */
  expiringKey: Omit<EffectiveExpiry, 'expiresAt'> | null;
  /** The primary key's own expiry, which alone says little: its encryption subkey may expire first. */
  primaryExpiresAt: string | null;
  /** Whole days until `expiresAt`, for a usable key that expires. */
  daysLeft: number | null;
  canEncrypt: boolean;
  problem: string | null;
  /** Set when the key stops being able to encrypt within KEY_WARN_DAYS, naming the key and the date. */
  warning: string | null;
  /** Integrations of the partner's apps that are not withdrawn: a bad key there holds identifiers. */
  activeIntegrations: number;
}

const owner = (partner: string) => `partner ${partner}`;

/** Every partner key as it stands now: the one report `keys check`, `doctor` and the daily digest read. */
export async function partnerKeyReport(db: Db, now: Date = new Date()): Promise<PartnerKeyRow[]> {
  // openpgp is loaded here, not when the CLI starts: most commands never need it.
  const { describeKeyProblem, effectiveExpiry, inspectPublicKey, lapsedExpiry, primaryExpiry, readAnyKey } = await import('../adapters/pgp-keys.js');
  const partners = db.$client
    .prepare(
      `SELECT p.id, p.contact, p.public_key_armored AS armored,
              (SELECT COUNT(*) FROM integrations i JOIN apps a ON a.id = i.app_id WHERE a.partner_id = p.id AND i.stage != 'withdrawn') AS active
       FROM partners p ORDER BY p.id`,
    )
    .all() as { id: string; contact: string; armored: string; active: number }[];
  const rows: PartnerKeyRow[] = [];
  for (const p of partners) {
    const r = await inspectPublicKey(p.armored, now);
    const key = r.ok || r.problem === 'expired' || r.problem === 'no_encryption_key' ? await readAnyKey(p.armored) : null;
    const effective = key ? await (r.ok ? effectiveExpiry(key, 'encrypt', now) : lapsedExpiry(key, 'encrypt', now)) : null;
    const expiresAt = effective ? effective.expiresAt : r.ok ? null : (r.info?.expiresAt ?? null);
    const soon = r.ok && effective !== null && expiresSoon(effective.expiresAt, now);
    const lapsed = !r.ok && effective?.expiresAt ? `; ${describeLapse({ ...effective, expiresAt: effective.expiresAt }, owner(p.id))}` : '';
    rows.push({
      partner: p.id,
      contact: p.contact,
      fingerprint: r.info?.fingerprint ?? null,
      expiresAt,
      expiringKey: effective ? { role: effective.role, keyId: effective.keyId, fingerprint: effective.fingerprint } : null,
      primaryExpiresAt: key ? await primaryExpiry(key) : (r.info?.expiresAt ?? null),
      daysLeft: r.ok && expiresAt !== null ? daysLeft(expiresAt, now) : null,
      canEncrypt: r.ok,
      problem: r.ok ? null : `${describeKeyProblem(r.problem)}${lapsed}`,
      warning: soon ? describeExpiry({ ...effective, owner: owner(p.id), expiresAt: effective.expiresAt! }, now) : null,
      activeIntegrations: p.active,
    });
  }
  return rows;
}

/** The partner keys of a report that expire within KEY_WARN_DAYS, as the digest lists them. */
export function expiringPartnerKeys(rows: readonly PartnerKeyRow[]): ExpiringKey[] {
  return rows.flatMap((r) =>
    r.warning !== null && r.expiringKey !== null && r.expiresAt !== null ? [{ ...r.expiringKey, expiresAt: r.expiresAt, owner: owner(r.partner), contact: r.contact }] : [],
  );
}
