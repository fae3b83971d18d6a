import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { makeKey, type TestKey } from './pgp-keys.js';
import { tempDir } from './temp-dir.js';

let cachedKey: Promise<TestKey> | undefined;
/** One good partner key per test file run; generating is cheap but not free. */
export const goodKey = (): Promise<TestKey> => (cachedKey ??= makeKey('integrations@acmehealth.io'));

export const TEST_IDS = ['RFM-TEST-7731', 'RFM-PROD-7731', 'LKP-TEST-0042', 'LKP-PROD-0042'] as const;

/** The registry from the issue, as a plain object tests can alter before writing. */
export function baseRegistry(): Record<string, any> {
  return {
    staff: ['ops@partners.example'],
    clients: [
      {
        id: 'riverside',
        name: 'Riverside Family Medicine',
        domains: ['riversidefm.org'],
        approvers: [],
        testEnvironmentIds: ['RFM-TEST-7731'],
        productionEnvironmentIds: ['RFM-PROD-7731'],
      },
      {
        id: 'lakeside',
        name: 'Lakeside Pediatrics',
        domains: ['lakesidepeds.org'],
        testEnvironmentIds: ['LKP-TEST-0042'],
        productionEnvironmentIds: ['LKP-PROD-0042'],
      },
    ],
    partners: [{ id: 'acme', name: 'Acme Health Apps', contact: 'integrations@acmehealth.io', publicKey: 'keys/acme.asc' }],
    apps: [
      {
        id: 'acme-scheduler',
        name: 'Acme Scheduler',
        aliases: ['AcmeSched'],
        partner: 'acme',
        readiness: { portalApproved: true, termsSigned: true, sandboxDone: true, preBetaDone: true },
      },
      { id: 'acme-notes', name: 'Acme Notes', partner: 'acme', readiness: { portalApproved: true, termsSigned: true } },
    ],
    integrations: [{ app: 'acme-scheduler', client: 'riverside', stage: 'beta_consented' }],
  };
}

/** Writes a registry (and, unless told otherwise, the good key) into a fresh folder; returns the file. */
export async function writeRegistry(reg: Record<string, any> = baseRegistry(), opts: { keys?: Record<string, string>; dir?: string } = {}): Promise<string> {
  const dir = opts.dir ?? tempDir();
  mkdirSync(path.join(dir, 'keys'), { recursive: true });
  const keys = opts.keys ?? { 'keys/acme.asc': (await goodKey()).publicKey };
  for (const [rel, text] of Object.entries(keys)) writeFileSync(path.join(dir, rel), text);
  const file = path.join(dir, 'registry.yaml');
  writeFileSync(file, stringify(reg));
  return file;
}
