import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Mustache from 'mustache';
import { TEMPLATES_DIR } from '../paths.js';

/** Every kind of mail with a template, and the variables its template may use. */
export const TEMPLATE_VARIABLES = {
  'partner-test-identifiers': ['appName', 'clientName', 'partnerName', 'recordedAt', 'eventSeq', 'identifiers', 'partnerKeyFingerprint', 'teamName'],
  'partner-production-identifiers': ['appName', 'clientName', 'partnerName', 'recordedAt', 'eventSeq', 'identifiers', 'partnerKeyFingerprint', 'teamName'],
  'client-ack-beta-consent': ['originalSubject', 'clientName', 'appName', 'partnerName', 'recordedAt', 'teamName'],
  'client-ack-production-approval': ['originalSubject', 'clientName', 'appName', 'partnerName', 'recordedAt', 'teamName'],
  'client-ack-ga-signoff': ['originalSubject', 'clientName', 'appName', 'partnerName', 'recordedAt', 'teamName'],
  'client-fix': ['originalSubject', 'explanation', 'teamName'],
  'staff-ga-ready': ['appName', 'appId', 'clientName', 'recordedAt', 'eventSeq', 'token', 'expiresAt'],
  'client-rejected': ['originalSubject', 'teamName'],
  'staff-digest': ['count', 'items', 'from'],
  'staff-withdrawn': ['appName', 'clientName', 'partnerName', 'recordedAt', 'eventSeq', 'actor'],
  'staff-flag': ['token', 'headline', 'summary', 'hasMessage', 'originalFrom', 'originalSubject', 'originalDate', 'originalMessageId', 'reasons', 'hasNewText', 'quotedNewText', 'proposal', 'expiresAt'],
  'staff-answer': ['originalSubject', 'answer'],
  'staff-reminder': ['count', 'items', 'hasExpired', 'expired', 'hasKeys', 'keyCount', 'keys', 'keyWarnDays'],
} as const;

export type TemplateName = keyof typeof TEMPLATE_VARIABLES;
export type TemplateVars<N extends TemplateName> = Record<(typeof TEMPLATE_VARIABLES)[N][number], string | number | boolean | readonly string[]>;

interface Loaded {
  subject: string;
  body: string;
}

export class TemplateError extends Error {}

type Token = [string, string, number, number, Token[]?, ...unknown[]];

/** Every variable a Mustache template names, with `.` (the current item) left out. */
function variablesOf(template: string): Set<string> {
  const names = new Set<string>();
  const walk = (tokens: Token[]) => {
    for (const t of tokens) {
      if (['name', '&', '#', '^', '{'].includes(t[0]) && t[1] !== '.') names.add(t[1]);
      if (t[4]) walk(t[4]);
    }
  };
  walk(Mustache.parse(template) as unknown as Token[]);
  return names;
}

/**
 * Operators edit the wording in templates/ (one file per kind of mail: a `Subject:` line, a blank line,
 * the body; logic-less Mustache). Loading checks every template: a variable the mail does not provide
 * fails here, at start-up, rather than as blank text in a sent mail.
 */
export class Templates {
  private readonly loaded = new Map<TemplateName, Loaded>();

  /**
   * `overrideDir` (COUNTERSIGN_TEMPLATES_DIR) replaces templates file by file: a `NAME.txt` there
   * wins over the built-in one, checked the same way. A file there that names no template is refused,
   * so a misspelt override fails at start instead of being silently ignored.
   */
  constructor(dir: string = TEMPLATES_DIR, overrideDir: string | null = null) {
    const overrides = new Set<string>();
    if (overrideDir !== null) {
      let entries: string[];
      try {
        entries = readdirSync(overrideDir);
      } catch (e) {
        throw new TemplateError(`COUNTERSIGN_TEMPLATES_DIR: cannot read the folder ${overrideDir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      }
      for (const f of entries.filter((e) => !e.startsWith('.'))) {
        const name = f.replace(/\.txt$/, '');
        if (!f.endsWith('.txt') || !(name in TEMPLATE_VARIABLES)) {
          throw new TemplateError(`${path.join(overrideDir, f)}: not a template name (COUNTERSIGN_TEMPLATES_DIR holds NAME.txt files, NAME one of: ${Object.keys(TEMPLATE_VARIABLES).join(', ')})`);
        }
        overrides.add(name);
      }
    }
    for (const name of Object.keys(TEMPLATE_VARIABLES) as TemplateName[]) {
      const file = path.join(overrideDir !== null && overrides.has(name) ? overrideDir : dir, `${name}.txt`);
      let text: string;
      try {
        text = readFileSync(file, 'utf8').replace(/\r\n/g, '\n');
      } catch (e) {
        throw new TemplateError(`${file}: cannot read the template (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      }
      const m = /^Subject: (.*)\n\n([\s\S]*)$/.exec(text);
      if (!m) throw new TemplateError(`${file}: must start with a "Subject: …" line and a blank line`);
      const allowed = new Set<string>(TEMPLATE_VARIABLES[name]);
      for (const v of [...variablesOf(m[1]!), ...variablesOf(m[2]!)]) {
        if (!allowed.has(v)) throw new TemplateError(`${file}: unknown variable {{${v}}}; this mail provides: ${[...allowed].join(', ')}`);
      }
      this.loaded.set(name, { subject: m[1]!, body: m[2]! });
    }
  }

  render<N extends TemplateName>(name: N, vars: TemplateVars<N>): { subject: string; body: string } {
    const t = this.loaded.get(name)!;
    // Plain-text mail: no HTML escaping.
    const config = { escape: (s: string) => s };
    return { subject: Mustache.render(t.subject, vars, {}, config).trim(), body: Mustache.render(t.body, vars, {}, config) };
  }
}
