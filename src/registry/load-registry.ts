import path from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { inspectPublicKey, describeKeyProblem, type KeyInfo } from '../adapters/pgp-keys.js';
import { readRegularFile } from './read-regular-file.js';
import { domainSchema, ENTRY_SCHEMAS, REGISTRY_FILE_SECTIONS, type RegistryFile, type RegistryFileSection } from './registry-schema.js';
import type { ProblemKind, RegistryProblem } from './format-problem.js';
import { entryLabel, withoutBlockedPartners, type SkippedEntry } from './skip-blocked-partners.js';

export { formatProblem, type RegistryProblem } from './format-problem.js';
export type { SkippedEntry } from './skip-blocked-partners.js';

/**
 * About 60,000 clients in the usual layout (~170 bytes each). Parsing YAML takes some 50 times the
 * file's size in memory (measured: ~400 MB for 6.6 MB), so a much larger file would risk the process.
 */
export const MAX_REGISTRY_BYTES = 10 * 1024 * 1024;
/** An armored public key with a few subkeys and signatures is a few KB; 1 MB is generous. */
export const MAX_KEY_BYTES = 1024 * 1024;
/** yaml's own default; written here so the limit is visible and tested. */
export const MAX_ALIAS_COUNT = 100;

export interface LoadedPartnerKey extends KeyInfo {
  armored: string;
}

export interface LoadedRegistry {
  file: string;
  data: RegistryFile;
  /** Partner id → its key, read and checked. */
  keys: Map<string, LoadedPartnerKey>;
  /** The file's bytes as validated, so the import's SHA-256 is of exactly what was read. */
  bytes: Buffer;
  /** Entries left out of `data` because their partner's key cannot be used; empty for a whole file. */
  skipped: SkippedEntry[];
}

/**
 * `fileUnusable`: the file itself could not be read or parsed (as opposed to entries in it being wrong).
 * `partial`: when every problem is a partner key that cannot be used, the rest of the file, which a
 * non-strict import may write (the partners, their apps and integrations listed in `skipped`).
 */
export type LoadResult =
  | { ok: true; registry: LoadedRegistry }
  | { ok: false; problems: RegistryProblem[]; fileUnusable?: boolean; partial?: LoadedRegistry };

type Raw = Record<string, unknown>;
const stringField = (item: unknown, field: string): string | undefined => {
  const v = (item as Raw | null | undefined)?.[field];
  return typeof v === 'string' ? v : undefined;
};
const defined = <T>(xs: (T | undefined)[]): T[] => xs.filter((x): x is T => x !== undefined);

/** A zod issue path inside an entry as problems name it: `domains[0]`, `readiness.sandboxDone`. */
const fieldPath = (p: readonly PropertyKey[]): string => p.map((x) => (typeof x === 'number' ? `[${x}]` : String(x))).join('.').replace(/\.\[/g, '[');

/**
 * Reads and validates a whole registry file in one pass: every entry's shape, duplicates, domains,
 * cross-references and every partner key (present, readable, not expired or revoked, able to
 * encrypt) are all checked and every problem is returned together, so one run shows everything to
 * fix. Writes nothing. `existingDomains` maps domains already in the database to their client, so a
 * domain cannot be claimed by a client in the file while it belongs to another the file does not mention.
 */
export async function loadRegistry(
  file: string,
  opts: { now?: Date; existingDomains?: Map<string, string> } = {},
): Promise<LoadResult> {
  const problems: RegistryProblem[] = [];
  const add = (kind: ProblemKind, entry: string, field: string, message: string, partner?: string) =>
    problems.push({ file, entry, field, message, kind, ...(partner === undefined ? {} : { partner }) });

  const fileProblem = (message: string): LoadResult => ({ ok: false, fileUnusable: true, problems: [{ file, entry: '', field: '', message, kind: 'file' }] });
  const read = await readRegularFile(file, MAX_REGISTRY_BYTES);
  // readRegularFile's words are either a state ("missing") or a sentence ending ("is a folder, …").
  if (!read.ok) return fileProblem(`cannot read the file: ${/^is /.test(read.problem) ? `it ${read.problem}` : read.problem}`);
  const bytes = read.bytes;
  const doc = parseDocument(bytes.toString('utf8'), { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    // yaml may report one mistake more than once; each distinct line once is enough to find it.
    const lines = [...new Set(doc.errors.map((e) => `not valid YAML: ${e.message.split('\n')[0]}`))];
    return { ok: false, fileUnusable: true, problems: lines.map((message) => ({ file, entry: '', field: '', kind: 'file', message })) };
  }
  let raw: unknown;
  try {
    // An alias bomb ("billion laughs": anchors of anchors) expands exponentially when resolved; yaml
    // counts alias expansions and throws past the limit. A registry has no use for many aliases.
    raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {};
  } catch (e) {
    return fileProblem(`not usable YAML: ${(e as Error).message.split('\n')[0]} (aliases are limited to ${MAX_ALIAS_COUNT} expansions)`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, problems: [{ file, entry: '', field: '', kind: 'format', message: `must be a mapping of the sections ${REGISTRY_FILE_SECTIONS.join(', ')}` }] };
  }

  // The frame first, then each entry on its own: an entry with a wrong field still has its id,
  // references and key checked below, so no problem waits for another to be fixed.
  const top = raw as Raw;
  for (const k of Object.keys(top)) {
    if (!(REGISTRY_FILE_SECTIONS as readonly string[]).includes(k)) add('format', k, '', `not a section of the registry (the sections are ${REGISTRY_FILE_SECTIONS.join(', ')})`);
  }
  const rawOf = {} as Record<RegistryFileSection, unknown[]>;
  for (const s of REGISTRY_FILE_SECTIONS) {
    const v = top[s];
    if (v !== undefined && v !== null && !Array.isArray(v)) add('format', s, '', 'must be a list');
    rawOf[s] = Array.isArray(v) ? v : [];
  }
  const check = <T>(section: RegistryFileSection, schema: z.ZodType<T>): (T | undefined)[] =>
    rawOf[section].map((item, i) => {
      const r = schema.safeParse(item);
      if (r.success) return r.data;
      for (const issue of r.error.issues) add('format', entryLabel(top, section, i), fieldPath(issue.path), issue.message);
      return undefined;
    });
  const staff = check('staff', ENTRY_SCHEMAS.staff);
  const clients = check('clients', ENTRY_SCHEMAS.clients);
  const partners = check('partners', ENTRY_SCHEMAS.partners);
  const apps = check('apps', ENTRY_SCHEMAS.apps);
  const integrations = check('integrations', ENTRY_SCHEMAS.integrations);

  // Ids as written, valid entries or not: a reference to an entry that is present but has a wrong
  // field is not "unknown", and is reported only for the field that is wrong.
  const idsOf = (section: RegistryFileSection) => rawOf[section].map((item) => stringField(item, 'id'));
  const dupes = (section: RegistryFileSection, ids: (string | undefined)[]) => {
    const seen = new Set<string>();
    ids.forEach((v, i) => {
      if (v === undefined) return;
      if (seen.has(v)) add('format', entryLabel(top, section, i), section === 'staff' ? '' : 'id', `"${v}" appears more than once`);
      seen.add(v);
    });
  };
  dupes('staff', staff);
  dupes('clients', idsOf('clients'));
  dupes('partners', idsOf('partners'));
  dupes('apps', idsOf('apps'));

  const clientIds = new Set(defined(idsOf('clients')));
  const domainOwner = new Map<string, string>();
  rawOf.clients.forEach((c, i) => {
    const owner = stringField(c, 'id') ?? `clients[${i}]`;
    const list = (c as Raw | null)?.domains;
    (Array.isArray(list) ? list : []).forEach((d: unknown, j) => {
      const parsed = domainSchema.safeParse(d);
      if (!parsed.success) return; // already reported as a format problem
      const domain = parsed.data;
      const other = domainOwner.get(domain);
      if (other !== undefined && other !== owner) add('reference', entryLabel(top, 'clients', i), `domains[${j}]`, `"${domain}" is also claimed by client "${other}"`);
      const existing = opts.existingDomains?.get(domain);
      if (existing !== undefined && existing !== owner && !clientIds.has(existing)) {
        add('reference', entryLabel(top, 'clients', i), `domains[${j}]`, `"${domain}" already belongs to client "${existing}" in the database`);
      }
      domainOwner.set(domain, owner);
    });
  });

  const partnerIds = new Set(defined(idsOf('partners')));
  const appIds = new Set(defined(idsOf('apps')));
  rawOf.apps.forEach((a, i) => {
    const partner = stringField(a, 'partner');
    if (partner !== undefined && !partnerIds.has(partner)) add('reference', entryLabel(top, 'apps', i), 'partner', `unknown partner "${partner}"`);
  });
  const pairs = new Set<string>();
  rawOf.integrations.forEach((it, i) => {
    const label = entryLabel(top, 'integrations', i);
    const app = stringField(it, 'app');
    const client = stringField(it, 'client');
    if (app !== undefined && !appIds.has(app)) add('reference', label, 'app', `unknown app "${app}"`);
    if (client !== undefined && !clientIds.has(client)) add('reference', label, 'client', `unknown client "${client}"`);
    const key = `${app}\u0000${client}`;
    if (app !== undefined && client !== undefined && pairs.has(key)) add('format', label, '', 'this app and client appear more than once');
    pairs.add(key);
  });

  // Every partner's key, whatever else is wrong with the file: the operator sees an expired key in
  // the same run as a typo. A key problem blocks only its partner (see withoutBlockedPartners).
  const keys = new Map<string, LoadedPartnerKey>();
  const blocked = new Map<string, string>();
  const baseDir = path.dirname(path.resolve(file));
  await Promise.all(
    rawOf.partners.map(async (p, i) => {
      const keyRef = stringField(p, 'publicKey')?.trim();
      if (!keyRef) return; // a missing or empty path is a format problem, reported above
      const id = stringField(p, 'id');
      const keyProblem = (message: string) => {
        add('key', entryLabel(top, 'partners', i), 'publicKey', message, id);
        if (id !== undefined) blocked.set(id, message);
      };
      const keyFile = await readRegularFile(path.resolve(baseDir, keyRef), MAX_KEY_BYTES);
      if (!keyFile.ok) return keyProblem(`cannot read key file ${keyRef}: ${keyFile.problem}`);
      const armored = keyFile.bytes.toString('utf8');
      const inspected = await inspectPublicKey(armored, opts.now);
      if (!inspected.ok) {
        if (inspected.problem === 'expired' && inspected.info?.expiresAt) return keyProblem(`key file ${keyRef} expired on ${inspected.info.expiresAt.slice(0, 10)}`);
        return keyProblem(`key file ${keyRef} ${inspected.problem === 'unreadable' ? describeKeyProblem('unreadable') : inspected.detail}`);
      }
      if (id !== undefined) keys.set(id, { ...inspected.info, armored });
    }),
  );
  // Promise.all finishes keys in any order; problems are listed in file order, keys after the rest.
  problems.sort((a, b) => Number(a.kind === 'key') - Number(b.kind === 'key') || (a.kind === 'key' && b.kind === 'key' ? a.entry.localeCompare(b.entry, 'en', { numeric: true }) : 0));

  const whole = (): RegistryFile => ({
    staff: defined(staff),
    clients: defined(clients),
    partners: defined(partners),
    apps: defined(apps),
    integrations: defined(integrations),
  });
  if (problems.length === 0) return { ok: true, registry: { file, data: whole(), keys, bytes, skipped: [] } };
  if (problems.every((p) => p.kind === 'key')) {
    const { data, skipped } = withoutBlockedPartners(whole(), blocked);
    return { ok: false, problems, partial: { file, data, keys, bytes, skipped } };
  }
  return { ok: false, problems };
}
