import type { RegistryFile } from './registry-schema.js';

/** An entry of the file left out of an import, and why, for the report and the import event. */
export interface SkippedEntry {
  section: 'partners' | 'apps' | 'integrations';
  /** The entry as problems name it, e.g. `partners[0] (acme)`. */
  entry: string;
  /** The partner or app id, or `APP at CLIENT` for an integration. */
  id: string;
  reason: string;
}

/** How problems and skipped entries name an entry: its place in the file, then its id when it has one. */
export function entryLabel(data: unknown, section: string, index: number): string {
  if (section === 'staff') return `staff[${index}]`;
  const item = (data as Record<string, unknown[]> | undefined)?.[section]?.[index] as Record<string, unknown> | undefined;
  const name = typeof item?.id === 'string' ? item.id : item && typeof item.app === 'string' ? `${item.app} at ${String(item.client)}` : '';
  return name ? `${section}[${index}] (${name})` : `${section}[${index}]`;
}

/**
 * The registry without the partners whose key cannot be used and everything that depends on them:
 * their apps, and those apps' integrations. Identifiers are sent encrypted to the partner's key, so
 * an app whose partner has no usable key must not change on the strength of this file; staff and
 * clients depend on no partner and are kept.
 */
export function withoutBlockedPartners(data: RegistryFile, blocked: ReadonlyMap<string, string>): { data: RegistryFile; skipped: SkippedEntry[] } {
  const skipped: SkippedEntry[] = [];
  const partners = data.partners.filter((p, i) => {
    const reason = blocked.get(p.id);
    if (reason !== undefined) skipped.push({ section: 'partners', entry: entryLabel(data, 'partners', i), id: p.id, reason });
    return reason === undefined;
  });
  const skippedApps = new Map<string, string>();
  const apps = data.apps.filter((a, i) => {
    const reason = blocked.get(a.partner);
    if (reason === undefined) return true;
    const why = `its partner "${a.partner}" is skipped (${reason})`;
    skippedApps.set(a.id, `its app "${a.id}" is skipped (partner "${a.partner}": ${reason})`);
    skipped.push({ section: 'apps', entry: entryLabel(data, 'apps', i), id: a.id, reason: why });
    return false;
  });
  const integrations = data.integrations.filter((it, i) => {
    const reason = skippedApps.get(it.app);
    if (reason !== undefined) skipped.push({ section: 'integrations', entry: entryLabel(data, 'integrations', i), id: `${it.app} at ${it.client}`, reason });
    return reason === undefined;
  });
  return { data: { ...data, partners, apps, integrations }, skipped };
}
