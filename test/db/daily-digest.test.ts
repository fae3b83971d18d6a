import { simpleParser } from 'mailparser';
import * as openpgp from 'openpgp';
import { describe, expect, it } from 'vitest';
import { Templates } from '../../src/adapters/templates.js';
import { queueDailyDigest } from '../../src/daemon/daily-digest.js';
import { renderOutboxMail, type OutboxRow } from '../../src/daemon/render-outbox-mail.js';
import type { Db } from '../../src/db/open-db.js';
import { dateIn, gpgKey, openpgpKey } from '../helpers/expiring-keys.js';
import { seededDb } from '../helpers/test-db.js';

/**
 * Issue 14, item 6: the daemon's daily mail to staff lists the keys that stop working within 30
 * days — a partner's encryption subkey, the bot's signing key — with the date; nothing when none.
 */
const FROM = 'apipartners@partners.example';
const DAY = 86_400_000;
const opts = (now: Date) => ({ remindHours: 24, from: FROM, now });

const setPartnerKey = (db: Db, armored: string) => db.$client.prepare("UPDATE partners SET public_key_armored = ? WHERE id = 'acme'").run(armored);
const reminders = (db: Db) => db.$client.prepare("SELECT id, kind, integration_id AS integrationId, event_seq AS eventSeq, recipient, context, message_id AS messageId, created_at AS createdAt FROM outbox WHERE kind = 'staff_reminder' ORDER BY id").all() as OutboxRow[];

async function rendered(db: Db, row: OutboxRow, now: Date): Promise<{ to: string[]; subject: string; text: string }> {
  const r = await renderOutboxMail({ db, templates: new Templates(), from: FROM, teamName: 'API Partners', signingKey: null, now }, row);
  if (!r.ok) throw new Error(`held: ${r.held}`);
  const m = await simpleParser(r.raw);
  return { to: r.to, subject: m.subject ?? '', text: m.text ?? '' };
}

describe('the daily staff digest lists keys about to expire', () => {
  it("a partner's encryption subkey (10 days) and the bot's signing key (20 days), with no flag open: one digest naming both and their dates", async () => {
    const db = await seededDb();
    const partner = await gpgKey('integrations@acmehealth.io', 'encr', 10);
    setPartnerKey(db, partner.publicKey);
    const bot = await openpgp.readPrivateKey({ armoredKey: (await openpgpKey(FROM, { primaryDays: 20 })).privateKey });
    const now = new Date();

    const id = await queueDailyDigest({ db, signingKey: bot }, opts(now));
    expect(id).not.toBeNull();
    const [row] = reminders(db);
    expect(JSON.parse(row!.context)).toMatchObject({
      flagIds: [],
      expiredFlagIds: [],
      expiringKeys: [
        { owner: 'partner acme', role: 'encryption subkey', fingerprint: partner.subkeyFingerprint, contact: 'integrations@acmehealth.io' },
        { owner: 'the bot (COUNTERSIGN_SIGNING_KEY)', role: 'primary key', fingerprint: bot.getFingerprint().toUpperCase(), contact: null },
      ],
    });

    const mail = await rendered(db, row!, now);
    expect(mail.to).toEqual(['ops@partners.example']);
    expect(mail.subject).toBe('0 flagged item(s) still waiting for staff; 2 key(s) expiring within 30 days');
    expect(mail.text).toContain('These keys expire within 30 days');
    expect(mail.text).toContain(`  - encryption subkey ${partner.subkeyFingerprint!.slice(-16)} of partner acme expires on ${dateIn(10)} (10 days): ask integrations@acmehealth.io for a renewed key`);
    expect(mail.text).toContain(`  - primary key ${bot.getKeyID().toHex().toUpperCase()} of the bot (COUNTERSIGN_SIGNING_KEY) expires on ${dateIn(20)} (20 days)`);
  });

  it('nothing to tell (keys good for 40 days or more, no flag): no digest at all', async () => {
    const db = await seededDb();
    setPartnerKey(db, (await openpgpKey('integrations@acmehealth.io', { subkeyDays: 40 })).publicKey);
    const bot = await openpgp.readPrivateKey({ armoredKey: (await openpgpKey(FROM, { primaryDays: 365 })).privateKey });
    expect(await queueDailyDigest({ db, signingKey: bot }, opts(new Date()))).toBeNull();
    expect(await queueDailyDigest({ db, signingKey: null }, opts(new Date()))).toBeNull();
    expect(reminders(db)).toEqual([]);
  });

  it('once a day: not again the same day, and again the next day while the key is still not renewed', async () => {
    const db = await seededDb();
    setPartnerKey(db, (await openpgpKey('integrations@acmehealth.io', { subkeyDays: 10 })).publicKey);
    const now = new Date();
    expect(await queueDailyDigest({ db, signingKey: null }, opts(now))).not.toBeNull();
    expect(await queueDailyDigest({ db, signingKey: null }, opts(new Date(now.getTime() + 6 * 3_600_000)))).toBeNull();
    const tomorrow = new Date(now.getTime() + DAY);
    expect(await queueDailyDigest({ db, signingKey: null }, opts(tomorrow))).not.toBeNull();
    const rows = reminders(db);
    expect(rows).toHaveLength(2);
    expect((await rendered(db, rows[1]!, tomorrow)).text).toContain(`of partner acme expires on ${dateIn(10)} (9 days)`);
  });

  it('a digest about flags only carries no key section, as before', async () => {
    const db = await seededDb();
    const now = new Date();
    db.$client
      .prepare("INSERT INTO flags (token, kind, status, created_at, expires_at, resolution) VALUES ('CS-TESTTOKEN0001', 'message', 'expired', ?, ?, json('{\"reported\": false}'))")
      .run(new Date(now.getTime() - 20 * DAY).toISOString(), new Date(now.getTime() - 6 * DAY).toISOString());
    expect(await queueDailyDigest({ db, signingKey: null }, opts(now))).not.toBeNull();
    const [row] = reminders(db);
    expect(JSON.parse(row!.context)).not.toHaveProperty('expiringKeys');
    const mail = await rendered(db, row!, now);
    expect(mail.subject).toBe('0 flagged item(s) still waiting for staff');
    expect(mail.text).not.toContain('These keys expire');
  });
});
