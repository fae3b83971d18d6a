import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as openpgp from 'openpgp';
import { stringify } from 'yaml';

export interface DemoRegistry {
  file: string;
  /** Countersign's own signing key (armored, no passphrase), for COUNTERSIGN_SIGNING_KEY. */
  signingKeyFile: string;
  /** Partner id → armored private key, so the demo can show what the partner reads. */
  partnerPrivateKeys: Map<string, string>;
}

const PARTNERS = [
  { id: 'acme', name: 'Acme Health Apps', contact: 'integrations@acmehealth.example' },
  { id: 'brightline', name: 'Brightline Analytics', contact: 'api@brightline.example' },
];

/** Writes a demo registry with freshly generated partner keys (curve25519, readable by GnuPG 2.2). */
export async function writeDemoRegistry(dir: string): Promise<DemoRegistry> {
  await mkdir(path.join(dir, 'keys'), { recursive: true });
  const partnerPrivateKeys = new Map<string, string>();
  for (const p of PARTNERS) {
    const { publicKey, privateKey } = await openpgp.generateKey({
      type: 'ecc',
      curve: 'curve25519Legacy',
      userIDs: [{ name: p.name, email: p.contact }],
      format: 'armored',
    });
    await writeFile(path.join(dir, 'keys', `${p.id}.asc`), publicKey);
    await writeFile(path.join(dir, 'keys', `${p.id}.private.asc`), privateKey, { mode: 0o600 });
    partnerPrivateKeys.set(p.id, privateKey);
  }
  const registry = {
    staff: ['ops@partners.example'],
    clients: [
      {
        id: 'riverside',
        name: 'Riverside Family Medicine',
        domains: ['riversidefm.example'],
        approvers: [],
        testEnvironmentIds: ['RFM-TEST-7731'],
        productionEnvironmentIds: ['RFM-PROD-7731'],
      },
      {
        id: 'lakeside',
        name: 'Lakeside Pediatrics',
        domains: ['lakesidepeds.example'],
        approvers: ['dr.ortiz@lakesidepeds.example'],
        testEnvironmentIds: ['LKP-TEST-0042', 'LKP-TEST-0043'],
        productionEnvironmentIds: ['LKP-PROD-0042'],
      },
    ],
    partners: PARTNERS.map((p) => ({ ...p, publicKey: `keys/${p.id}.asc` })),
    apps: [
      {
        id: 'acme-scheduler',
        name: 'Acme Scheduler',
        aliases: ['AcmeSched'],
        partner: 'acme',
        readiness: { portalApproved: true, termsSigned: true, sandboxDone: true, preBetaDone: true },
      },
      {
        id: 'brightline-insights',
        name: 'Brightline Insights',
        aliases: [],
        partner: 'brightline',
        readiness: { portalApproved: true, termsSigned: true, sandboxDone: true, preBetaDone: false },
      },
    ],
    integrations: [{ app: 'acme-scheduler', client: 'lakeside', stage: 'pending' }],
  };
  const signing = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name: 'API Partners (Countersign)', email: 'apipartners@partners.example' }], format: 'armored' });
  const signingKeyFile = path.join(dir, 'keys', 'countersign-signing.private.asc');
  await writeFile(signingKeyFile, signing.privateKey, { mode: 0o600 });
  await writeFile(path.join(dir, 'keys', 'countersign-signing.asc'), signing.publicKey);
  const file = path.join(dir, 'registry.yaml');
  // It holds the clients' environment identifiers: the owner's only, like the database.
  await writeFile(file, `# Demo registry written by npm run demo; keys are generated fresh on each run.\n${stringify(registry)}`, { mode: 0o600 });
  return { file, signingKeyFile, partnerPrivateKeys };
}
