import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Templates } from '../../src/adapters/templates.js';
import { TEMPLATES_DIR } from '../../src/paths.js';
import { makeProject } from '../helpers/project.js';
import { TEST_IDS } from '../helpers/registry-fixture.js';
import { runCountersign } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('registry show (the real binary)', () => {
  it('shows every section without identifiers, or one section, and identifiers only with --with-secrets', async () => {
    const p = await makeProject();
    const all = await runCountersign(['registry', 'show', '--json'], p.env);
    expect(all.code, all.stderr).toBe(0);
    const view = JSON.parse(all.stdout);
    expect(Object.keys(view)).toEqual(['clients', 'partners', 'apps', 'staff']);
    expect(view.clients[0]).toEqual({ id: 'lakeside', name: 'Lakeside Pediatrics', domains: ['lakesidepeds.org'], approvers: [], testEnvironmentIds: 1, productionEnvironmentIds: 1, integrations: 0 });
    expect(view.partners).toEqual([{ id: 'acme', name: 'Acme Health Apps', contact: 'integrations@acmehealth.io', publicKey: expect.stringContaining('acme.asc'), apps: ['acme-notes', 'acme-scheduler'] }]);
    expect(view.apps.find((a: { id: string }) => a.id === 'acme-notes')).toMatchObject({ partner: 'acme', readiness: { portalApproved: true, termsSigned: true, sandboxDone: false, preBetaDone: false }, gaDeclaredAt: null });
    expect(view.staff).toEqual(['ops@partners.example']);
    const table = await runCountersign(['registry', 'show'], p.env);
    expect(table.stdout).toMatch(/^CLIENTS\nCLIENT\s+NAME\s+DOMAINS/);
    expect(table.stdout).toContain('STAFF\nSTAFF\nops@partners.example');
    for (const id of TEST_IDS) expect(all.stdout + table.stdout).not.toContain(id);

    const partners = JSON.parse((await runCountersign(['registry', 'show', 'partners', '--json'], p.env)).stdout);
    expect(Object.keys(partners)).toEqual(['partners']);
    const secrets = await runCountersign(['registry', 'show', 'clients', '--json', '--with-secrets'], p.env);
    expect(JSON.parse(secrets.stdout).clients.find((c: { id: string }) => c.id === 'riverside')).toMatchObject({ testEnvironmentIds: ['RFM-TEST-7731'], productionEnvironmentIds: ['RFM-PROD-7731'] });

    const bad = await runCountersign(['registry', 'show', 'partner', '--json'], p.env);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout).error).toEqual({ code: 'usage', message: expect.stringContaining('"partner" is not a registry section') });
  });
});

describe('COUNTERSIGN_TEMPLATES_DIR', () => {
  it('replaces a template file by file, keeping the built-in ones for the rest', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'client-rejected.txt'), 'Subject: About your message "{{originalSubject}}"\n\nThe {{teamName}} desk could not act on it.\n');
    const t = new Templates(TEMPLATES_DIR, dir);
    expect(t.render('client-rejected', { originalSubject: 'Go-live', teamName: 'API Partners' })).toEqual({ subject: 'About your message "Go-live"', body: 'The API Partners desk could not act on it.\n' });
    const builtIn = new Templates(TEMPLATES_DIR);
    const vars = { originalSubject: 'x', teamName: 'T' };
    expect(t.render('client-fix', { ...vars, explanation: 'e' })).toEqual(builtIn.render('client-fix', { ...vars, explanation: 'e' }));
  });

  it('a wrong override stops `run` at start with exit 2 naming the file and the variable; doctor names it too', async () => {
    const p = await makeProject();
    const dir = path.join(p.dir, 'my-templates');
    mkdirSync(dir);
    const good = await runCountersign(['run', '--once'], { ...p.env, COUNTERSIGN_TEMPLATES_DIR: dir });
    expect(good.code, good.stderr).toBe(0);

    const file = path.join(dir, 'client-rejected.txt');
    writeFileSync(file, 'Subject: Re: {{originalSubject}}\n\nDear {{clientName}},\n');
    const env = { ...p.env, COUNTERSIGN_TEMPLATES_DIR: dir };
    const r = await runCountersign(['run', '--once'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`countersign: template: ${file}: unknown variable {{clientName}}; this mail provides: originalSubject, teamName`);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    const doctor = JSON.parse((await runCountersign(['doctor', '--json'], env)).stdout);
    expect(doctor.checks.find((c: { detail: string }) => c.detail.includes('unknown variable {{clientName}}'))).toMatchObject({ verdict: 'fail' });

    writeFileSync(file, 'Subject: Re: {{originalSubject}}\n\nHello\n');
    writeFileSync(path.join(dir, 'client-rejcted.txt'), 'Subject: x\n\ny\n');
    const typo = await runCountersign(['run', '--once'], env);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain(`${path.join(dir, 'client-rejcted.txt')}: not a template name`);

    const missing = await runCountersign(['run', '--once'], { ...p.env, COUNTERSIGN_TEMPLATES_DIR: path.join(p.dir, 'nowhere') });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`COUNTERSIGN_TEMPLATES_DIR: cannot read the folder ${path.join(p.dir, 'nowhere')} (ENOENT)`);
  });
});
