import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dir.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('service files', () => {
  it('the systemd unit passes systemd-analyze verify and carries the hardening options', () => {
    const unit = readFileSync(path.join(ROOT, 'scripts/deploy/countersign.service'), 'utf8');
    for (const opt of ['NoNewPrivileges=yes', 'ProtectSystem=strict', 'StateDirectory=countersign', 'Restart=on-failure', 'KillSignal=SIGTERM']) expect(unit).toContain(opt);
    expect(unit).toMatch(/COUNTERSIGN_IMAP_PASSWORD_FILE=/);
    expect(unit).toMatch(/COUNTERSIGN_SIGNING_KEY_PASSPHRASE_FILE=/);
    // Verified where the project is, instead of /opt/countersign.
    const dir = tempDir();
    const local = path.join(dir, 'countersign.service');
    writeFileSync(local, unit.replaceAll('/opt/countersign', ROOT.replace(/\/$/, '')));
    const r = spawnSync('systemd-analyze', ['verify', local], { encoding: 'utf8' });
    expect(r.error, 'systemd-analyze must be installed (Debian package systemd)').toBeUndefined();
    expect(r.stderr + r.stdout).toBe('');
    expect(r.status).toBe(0);
  });

  it('the container file runs as a non-root user with the database on a volume, and copies only files that exist', () => {
    const cf = readFileSync(path.join(ROOT, 'scripts/deploy/Containerfile'), 'utf8');
    expect(cf).toMatch(/^USER countersign$/m);
    expect(cf).toMatch(/^VOLUME \["\/var\/lib\/countersign"\]$/m);
    expect(cf).toContain('COUNTERSIGN_DB=/var/lib/countersign/countersign.sqlite');
    for (const m of cf.matchAll(/^COPY (?!--from)(.+) \S+$/gm)) {
      for (const src of m[1]!.split(' ')) expect(existsSync(path.join(ROOT, src)), src).toBe(true);
    }
  });
});
