import type { Db } from '../db/open-db.js';

export const KEY_WARN_DAYS = 30;

export interface PartnerKeyRow {
  partner: string;
  contact: string;
  fingerprint: string | null;
  expiresAt: string | null;
  canEncrypt: boolean;
  problem: string | null;
  warning: string | null;
  /** Integrations of the partner's apps that are not withdrawn: a bad key there holds identifiers. */
  activeIntegrations: number;
}

/** Every partner key as it stands now: the one report `keys check` and `doctor` both read. */
export async function partnerKeyReport(db: Db, now: Date = new Date()): Promise<PartnerKeyRow[]> {
  // openpgp is loaded here, not when the CLI starts: most commands never need it.
  const { describeKeyProblem, inspectPublicKey } = await import('../adapters/pgp-keys.js');
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
    const expiresAt = r.info?.expiresAt ?? null;
    const soon = r.ok && expiresAt !== null && Date.parse(expiresAt) - now.getTime() < KEY_WARN_DAYS * 86_400_000;
    rows.push({
      partner: p.id,
      contact: p.contact,
      fingerprint: r.info?.fingerprint ?? null,
      expiresAt,
      canEncrypt: r.ok,
      problem: r.ok ? null : describeKeyProblem(r.problem),
      warning: soon ? `expires within ${KEY_WARN_DAYS} days` : null,
      activeIntegrations: p.active,
    });
  }
  return rows;
}
