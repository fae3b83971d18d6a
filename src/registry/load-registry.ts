import path from 'node:path';
import { parseDocument } from 'yaml';
import { inspectPublicKey, describeKeyProblem, type KeyInfo } from '../adapters/pgp-keys.js';
import { readRegularFile } from './read-regular-file.js';
import { registrySchema, type RegistryFile } from './registry-schema.js';

import type { RegistryProblem } from './format-problem.js';

export { formatProblem, type RegistryProblem } from './format-problem.js';

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
}

/** `fileUnusable`: the file itself could not be read or parsed (as opposed to entries in it being wrong). */
export type LoadResult = { ok: true; registry: LoadedRegistry } | { ok: false; problems: RegistryProblem[]; fileUnusable?: boolean };

type Section = 'clients' | 'partners' | 'apps' | 'integrations' | 'staff';

function entryLabel(data: unknown, section: string, index: number): string {
  const item = (data as Record<string, unknown[]> | undefined)?.[section]?.[index] as Record<string, unknown> | undefined;
  const name = typeof item?.id === 'string' ? item.id : item && typeof item.app === 'string' ? `${item.app} at ${String(item.client)}` : '';
  return name ? `${section}[${index}] (${name})` : `${section}[${index}]`;
}

/**
 * Reads and validates a whole registry file: shape, cross-references, unique domains, and every
 * partner key (present, readable, not expired or revoked, able to encrypt). Writes nothing.
 * `existingDomains` maps domains already in the database to their client, so a domain cannot be
 * claimed by a client in the file while it belongs to another one that the file does not mention.
 */
export async function loadRegistry(
  file: string,
  opts: { now?: Date; existingDomains?: Map<string, string> } = {},
): Promise<LoadResult> {
  const problems: RegistryProblem[] = [];
  const add = (entry: string, field: string, message: string) => problems.push({ file, entry, field, message });

  const fileProblem = (message: string): LoadResult => ({ ok: false, fileUnusable: true, problems: [{ file, entry: '', field: '', message }] });
  const read = await readRegularFile(file, MAX_REGISTRY_BYTES);
  if (!read.ok) return fileProblem(`cannot read the file: it ${read.problem}`);
  const bytes = read.bytes;
  const doc = parseDocument(bytes.toString('utf8'), { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return { ok: false, fileUnusable: true, problems: doc.errors.map((e) => ({ file, entry: '', field: '', message: `not valid YAML: ${e.message.split('\n')[0]}` })) };
  }
  let raw: unknown;
  try {
    // An alias bomb ("billion laughs": anchors of anchors) expands exponentially when resolved; yaml
    // counts alias expansions and throws past the limit. A registry has no use for many aliases.
    raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {};
  } catch (e) {
    return fileProblem(`not usable YAML: ${(e as Error).message.split('\n')[0]} (aliases are limited to ${MAX_ALIAS_COUNT} expansions)`);
  }
  const parsed = registrySchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [section, index, ...rest] = issue.path;
      if (typeof section === 'string' && typeof index === 'number') {
        add(section === 'staff' ? `staff[${index}]` : entryLabel(raw, section, index), rest.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.').replace(/\.\[/g, '['), issue.message);
      } else {
        add(section === undefined ? '' : String(section), '', issue.message);
      }
    }
    return { ok: false, problems };
  }
  const data = parsed.data;

  const dupes = (section: Section, ids: string[]) => {
    const seen = new Set<string>();
    ids.forEach((v, i) => {
      if (seen.has(v)) add(section === 'staff' ? `staff[${i}]` : entryLabel(data, section, i), section === 'staff' ? '' : 'id', `"${v}" appears more than once`);
      seen.add(v);
    });
  };
  dupes('staff', data.staff);
  dupes('clients', data.clients.map((c) => c.id));
  dupes('partners', data.partners.map((p) => p.id));
  dupes('apps', data.apps.map((a) => a.id));

  const domainOwner = new Map<string, string>();
  data.clients.forEach((c, i) => {
    c.domains.forEach((d, j) => {
      const other = domainOwner.get(d);
      if (other !== undefined && other !== c.id) add(entryLabel(data, 'clients', i), `domains[${j}]`, `"${d}" is also claimed by client "${other}"`);
      const existing = opts.existingDomains?.get(d);
      if (existing !== undefined && existing !== c.id && !data.clients.some((x) => x.id === existing)) {
        add(entryLabel(data, 'clients', i), `domains[${j}]`, `"${d}" already belongs to client "${existing}" in the database`);
      }
      domainOwner.set(d, c.id);
    });
  });

  const partnerIds = new Set(data.partners.map((p) => p.id));
  const clientIds = new Set(data.clients.map((c) => c.id));
  const appIds = new Set(data.apps.map((a) => a.id));
  data.apps.forEach((a, i) => {
    if (!partnerIds.has(a.partner)) add(entryLabel(data, 'apps', i), 'partner', `unknown partner "${a.partner}"`);
  });
  const pairs = new Set<string>();
  data.integrations.forEach((it, i) => {
    const label = entryLabel(data, 'integrations', i);
    if (!appIds.has(it.app)) add(label, 'app', `unknown app "${it.app}"`);
    if (!clientIds.has(it.client)) add(label, 'client', `unknown client "${it.client}"`);
    const key = `${it.app}\u0000${it.client}`;
    if (pairs.has(key)) add(label, '', 'this app and client appear more than once');
    pairs.add(key);
  });

  const keys = new Map<string, LoadedPartnerKey>();
  const baseDir = path.dirname(path.resolve(file));
  await Promise.all(
    data.partners.map(async (p, i) => {
      const label = entryLabel(data, 'partners', i);
      const keyPath = path.resolve(baseDir, p.publicKey);
      const keyFile = await readRegularFile(keyPath, MAX_KEY_BYTES);
      if (!keyFile.ok) {
        add(label, 'publicKey', `cannot read key file ${p.publicKey}: ${keyFile.problem}`);
        return;
      }
      const armored = keyFile.bytes.toString('utf8');
      const inspected = await inspectPublicKey(armored, opts.now);
      if (!inspected.ok) {
        add(label, 'publicKey', `key file ${p.publicKey} ${inspected.problem === 'unreadable' ? describeKeyProblem('unreadable') : inspected.detail}`);
        return;
      }
      keys.set(p.id, { ...inspected.info, armored });
    }),
  );

  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, registry: { file, data, keys, bytes } };
}
