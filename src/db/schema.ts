import { sql } from 'drizzle-orm';
import { integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** Registered staff addresses (lower-case): may confirm flagged mail by reply. */
export const staff = sqliteTable('staff', {
  address: text('address').primaryKey(),
});

export const clients = sqliteTable('clients', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** JSON array of lower-case addresses; empty = any address at a client domain may approve. */
  approvers: text('approvers', { mode: 'json' }).$type<string[]>().notNull().default(sql`'[]'`),
  /** Secrets. JSON arrays. Never logged, never in status/log output. */
  testEnvironmentIds: text('test_environment_ids', { mode: 'json' }).$type<string[]>().notNull(),
  productionEnvironmentIds: text('production_environment_ids', { mode: 'json' }).$type<string[]>().notNull(),
  updatedAt: text('updated_at').notNull(),
});

export const clientDomains = sqliteTable('client_domains', {
  domain: text('domain').primaryKey(),
  clientId: text('client_id')
    .notNull()
    .references(() => clients.id, { onDelete: 'cascade' }),
});

export const partners = sqliteTable('partners', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  contact: text('contact').notNull(),
  /** The key path as written in the registry (relative to the registry file), for export. */
  publicKeyPath: text('public_key_path').notNull(),
  publicKeyArmored: text('public_key_armored').notNull(),
  keyFingerprint: text('key_fingerprint').notNull(),
  /** ISO 8601, or null when the key never expires. */
  keyExpiresAt: text('key_expires_at'),
  updatedAt: text('updated_at').notNull(),
});

export const apps = sqliteTable('apps', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  aliases: text('aliases', { mode: 'json' }).$type<string[]>().notNull().default(sql`'[]'`),
  partnerId: text('partner_id')
    .notNull()
    .references(() => partners.id),
  portalApproved: integer('portal_approved', { mode: 'boolean' }).notNull().default(false),
  termsSigned: integer('terms_signed', { mode: 'boolean' }).notNull().default(false),
  sandboxDone: integer('sandbox_done', { mode: 'boolean' }).notNull().default(false),
  preBetaDone: integer('pre_beta_done', { mode: 'boolean' }).notNull().default(false),
  gaDeclaredAt: text('ga_declared_at'),
  gaDeclaredBy: text('ga_declared_by'),
  updatedAt: text('updated_at').notNull(),
});

export const integrations = sqliteTable(
  'integrations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    appId: text('app_id')
      .notNull()
      .references(() => apps.id),
    clientId: text('client_id')
      .notNull()
      .references(() => clients.id),
    stage: text('stage').notNull(),
    stageSince: text('stage_since').notNull(),
  },
  (t) => [uniqueIndex('integrations_app_client').on(t.appId, t.clientId)],
);

/**
 * The append-only, hash-chained event log. Triggers in the migration refuse UPDATE and DELETE;
 * `hash` = SHA-256 over `prev_hash` and the row's canonical (RFC 8785) content.
 */
export const events = sqliteTable('events', {
  seq: integer('seq').primaryKey({ autoIncrement: true }),
  at: text('at').notNull(),
  kind: text('kind').notNull(),
  integrationId: integer('integration_id').references(() => integrations.id),
  appId: text('app_id'),
  clientId: text('client_id'),
  fromStage: text('from_stage'),
  toStage: text('to_stage'),
  causeType: text('cause_type').notNull(),
  causeRef: text('cause_ref'),
  actor: text('actor').notNull(),
  evidence: text('evidence').notNull(),
  prevHash: text('prev_hash').notNull(),
  hash: text('hash').notNull(),
});

/** The head of the chain, so that deleting the newest rows is detected too. */
export const logHead = sqliteTable('log_head', {
  id: integer('id').primaryKey(),
  seq: integer('seq').notNull(),
  hash: text('hash').notNull(),
});

/**
 * Transactional outbox: mails a state change causes, written in the same transaction. Rows hold
 * references (integration, kind), never identifiers: those are read and encrypted at send time.
 */
export const outbox = sqliteTable(
  'outbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    kind: text('kind').notNull(),
    integrationId: integer('integration_id').references(() => integrations.id),
    eventSeq: integer('event_seq').references(() => events.seq),
    status: text('status').notNull().default('queued'),
    createdAt: text('created_at').notNull(),
  },
  (t) => [uniqueIndex('outbox_event_kind').on(t.eventSeq, t.kind)],
);

export const schema = { staff, clients, clientDomains, partners, apps, integrations, events, logHead, outbox };
