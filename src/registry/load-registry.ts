import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { inspectPublicKey, describeKeyProblem, type KeyInfo } from '../adapters/pgp-keys.js';
import { registrySchema, type RegistryFile } from './registry-schema.js';

import type { RegistryProblem } from './format-problem.js';

export { formatProblem, type RegistryProblem } from './format-problem.js';

export interface LoadedPartnerKey extends KeyInfo {
  armored: string;
}

export interface LoadedRegistry {
  file: string;
  data: RegistryFile;
  /** Partner id → its key, read and checked. */
  keys: Map<string, LoadedPartnerKey>;
}

export type LoadResult = { ok: true; registry: LoadedRegistry } | { ok: false; problems: RegistryProblem[] };

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

  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    return { ok: false, problems: [{ file, entry: '', field: '', message: `cannot read the file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` }] };
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return { ok: false, problems: doc.errors.map((e) => ({ file, entry: '', field: '', message: `not valid YAML: ${e.message.split('\n')[0]}` })) };
  }
  const raw: unknown = doc.toJS() ?? {};
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
      let armored: string;
      try {
        armored = await readFile(keyPath, 'utf8');
      } catch (e) {
        add(label, 'publicKey', `cannot read key file ${p.publicKey}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : (e as Error).message}`);
        return;
      }
      const inspected = await inspectPublicKey(armored, opts.now);
      if (!inspected.ok) {
        add(label, 'publicKey', `key file ${p.publicKey} ${inspected.problem === 'unreadable' ? describeKeyProblem('unreadable') : inspected.detail}`);
        return;
      }
      keys.set(p.id, { ...inspected.info, armored });
    }),
  );

  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, registry: { file, data, keys } };
}
