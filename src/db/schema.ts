import { sql } from 'drizzle-orm';
import { blob, index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

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
    /**
     * The seq of the stage_change event that set `stage` (null while pending and never changed).
     * A trigger (migration 0007) refuses any stage change not carrying its event: the stage is a
     * projection of the log, never a value of its own.
     */
    stageEventSeq: integer('stage_event_seq'),
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
    /** Fixed when the row is written, so a resend after a crash carries the same Message-ID. */
    messageId: text('message_id'),
    /** The address it goes to; null for staff notifications (the registry's staff at send time). */
    recipient: text('recipient'),
    /** The message that caused it (for threading a reply), if any. */
    messageRow: integer('message_row'),
    /** Non-secret facts the template needs (step, reason, In-Reply-To …), JSON. Never identifiers. */
    context: text('context').notNull().default('{}'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: text('next_attempt_at'),
    lastError: text('last_error'),
    sentAt: text('sent_at'),
  },
  // outbox_kind_created: the once-a-day check before telling a client what to fix reads recent mail of
  // one kind; without it every such message scanned the whole outbox (quadratic over a backlog).
  (t) => [uniqueIndex('outbox_event_kind').on(t.eventSeq, t.kind), index('outbox_message_id').on(t.messageId), index('outbox_kind_created').on(t.kind, t.createdAt)],
);

/** Every message received, with exactly one outcome. */
export const messages = sqliteTable(
  'messages',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    receivedAt: text('received_at').notNull(),
    mailbox: text('mailbox').notNull(),
    messageId: text('message_id'),
    sha256: text('sha256').notNull(),
    size: integer('size').notNull(),
    fromAddress: text('from_address'),
    subject: text('subject'),
    date: text('date'),
    /** applied | flagged | ignored | duplicate | failed */
    outcome: text('outcome').notNull(),
    intent: text('intent'),
    appId: text('app_id'),
    clientId: text('client_id'),
    confidence: real('confidence'),
    /** JSON array of reason objects (src/core/reasons.ts). */
    reasons: text('reasons').notNull().default('[]'),
    /** JSON: sender verdict, matched phrases, blockers, beta parts, step, the client's new text. */
    decision: text('decision').notNull().default('{}'),
    eventSeq: integer('event_seq').references(() => events.seq),
    duplicateOf: integer('duplicate_of'),
  },
  (t) => [index('messages_message_id').on(t.messageId), index('messages_sha256').on(t.sha256), index('messages_outcome').on(t.outcome)],
);

/**
 * Where a message was seen: (mailbox, UIDVALIDITY:UID) for IMAP, (maildir, unique name) for Maildir.
 * `markedAt` is set once the server was told (\Seen, moved); a crash before that is finished on restart.
 */
export const messageLocations = sqliteTable(
  'message_locations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    messageRow: integer('message_row')
      .notNull()
      .references(() => messages.id),
    mailbox: text('mailbox').notNull(),
    key: text('key').notNull(),
    uidValidity: integer('uid_validity'),
    uid: integer('uid'),
    targetFolder: text('target_folder'),
    markedAt: text('marked_at'),
  },
  (t) => [uniqueIndex('message_locations_mailbox_key').on(t.mailbox, t.key), index('message_locations_row').on(t.messageRow)],
);

/** The raw messages, gzip-compressed and addressed by their SHA-256: the evidence of what was approved. */
export const rawMessages = sqliteTable('raw_messages', {
  sha256: text('sha256').primaryKey(),
  gz: blob('gz', { mode: 'buffer' }).notNull(),
  size: integer('size').notNull(),
  /** false when only the head of an oversized message was kept. */
  complete: integer('complete', { mode: 'boolean' }).notNull(),
  storedAt: text('stored_at').notNull(),
});

/** Anything staff must look at: a flagged message, a held or bounced mail, a withdrawal, GA readiness. */
export const flags = sqliteTable(
  'flags',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    token: text('token').notNull(),
    kind: text('kind').notNull(),
    messageRow: integer('message_row').references(() => messages.id),
    outboxId: integer('outbox_id').references(() => outbox.id),
    appId: text('app_id'),
    clientId: text('client_id'),
    /** JSON: the proposed step, or null. */
    proposal: text('proposal'),
    reasons: text('reasons').notNull().default('[]'),
    status: text('status').notNull().default('open'),
    createdAt: text('created_at').notNull(),
    expiresAt: text('expires_at').notNull(),
    resolvedAt: text('resolved_at'),
    resolvedBy: text('resolved_by'),
    /** What staff decided: JSON { decision, step?, app?, client?, via }. */
    resolution: text('resolution'),
    /** The staff notification's outbox row: its Message-ID is what a staff reply's In-Reply-To names. */
    noticeOutboxId: integer('notice_outbox_id'),
  },
  // flags_notice: a staff reply finds its flag from the notice it answers (In-Reply-To).
  (t) => [uniqueIndex('flags_token').on(t.token), index('flags_status').on(t.status), index('flags_notice').on(t.noticeOutboxId)],
);

/** Shadow mode: what Countersign would have decided, recorded apart from everything real. */
export const shadowDecisions = sqliteTable(
  'shadow_decisions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    mailbox: text('mailbox').notNull(),
    key: text('key').notNull(),
    decidedAt: text('decided_at').notNull(),
    messageId: text('message_id'),
    sha256: text('sha256').notNull(),
    fromAddress: text('from_address'),
    subject: text('subject'),
    action: text('action').notNull(),
    intent: text('intent'),
    appId: text('app_id'),
    clientId: text('client_id'),
    confidence: real('confidence'),
    reasons: text('reasons').notNull().default('[]'),
  },
  (t) => [uniqueIndex('shadow_mailbox_key').on(t.mailbox, t.key)],
);

/**
 * How often deciding a message was started at a location (mailbox + UIDVALIDITY:UID, or the Maildir
 * unique name) without the message being recorded: a message that kills the whole process (native
 * crash, out of memory, SIGKILL) must not be decided again forever. Cleared when it is recorded.
 */
export const messageAttempts = sqliteTable(
  'message_attempts',
  {
    mailbox: text('mailbox').notNull(),
    key: text('key').notNull(),
    attempts: integer('attempts').notNull(),
    lastAttemptAt: text('last_attempt_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.mailbox, t.key] })],
);

/** Small operational facts (the durability barrier's heartbeat, …). */
export const meta = sqliteTable('meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

export const schema = {
  meta,
  staff,
  clients,
  clientDomains,
  partners,
  apps,
  integrations,
  events,
  logHead,
  outbox,
  messages,
  messageLocations,
  rawMessages,
  flags,
  shadowDecisions,
  messageAttempts,
};
