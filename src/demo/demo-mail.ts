/** Sample client mail for the demo, as our receiving server would hand it over (authenticated). */
export interface DemoMail {
  from: string;
  subject: string;
  body: string;
  headers?: Record<string, string>;
  authenticated?: boolean;
}

export const DEMO_AUTHSERV_ID = 'mx.partners.example';

export const DEMO_MAIL: DemoMail[] = [
  {
    from: 'Pat Quinn <pm@riversidefm.example>',
    subject: 'Beta site confirmation - AcmeSched',
    body: 'Hello API team,\n\nPlease accept this as confirmation that we have signed an agreement with Acme Health Apps permitting AcmeSched to connect to our test database. We are happy to serve as a beta site.\n\nKind regards,\nPat Quinn\nPractice Manager\n\n--\nRiverside Family Medicine',
  },
  {
    from: 'Dr. Ana Ortiz <dr.ortiz@lakesidepeds.example>',
    subject: 'Acme Scheduler beta',
    body: 'Hi,\n\nWe have an agreement in place with Acme that allows Acme Scheduler to access our test environment, and we consent to participate as a Beta site.\n\nAna\n\nSent from my iPhone',
  },
  {
    from: 'Dr. Ana Ortiz <dr.ortiz@lakesidepeds.example>',
    subject: 'RE: Acme Scheduler beta',
    body: 'Acme Scheduler is approved for production - go ahead.\n\nAna\n\n-----Original Message-----\nFrom: API Partners\nSent: Monday\nTo: Ana Ortiz\nSubject: Acme Scheduler beta\n\nPlease do not approve until testing is complete.',
  },
  {
    from: 'Pat Quinn <pm@riversidefm.example>',
    subject: 'Brightline Insights',
    body: 'We will approve production for Brightline Insights once staff training is done.',
  },
  {
    from: 'Dev Team <dev@acmehealth.example>',
    subject: 'Fwd: Production approval',
    body: 'See below, please send us the production IDs.\n\n---------- Forwarded message ---------\nFrom: Pat Quinn <pm@riversidefm.example>\n\nAcmeSched is approved for production.',
  },
  {
    from: 'Pat Quinn <pm@riversidefm.example>',
    subject: 'Automatic reply: Acme Scheduler',
    body: 'I am out of the office until Monday.',
    headers: { 'Auto-Submitted': 'auto-replied' },
  },
];

let n = 0;
export function renderDemoMail(m: DemoMail, now: Date): string {
  n++;
  const address = /<([^>]+)>/.exec(m.from)?.[1] ?? m.from;
  const domain = address.split('@')[1]!;
  const lines = [
    ...(m.authenticated === false ? [] : [`Authentication-Results: ${DEMO_AUTHSERV_ID}; dkim=pass header.d=${domain}; spf=pass smtp.mailfrom=${address}; dmarc=pass header.from=${domain}`]),
    `Return-Path: <${address}>`,
    ...Object.entries(m.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
    `From: ${m.from}`,
    'To: API Partners <apipartners@partners.example>',
    `Subject: ${m.subject}`,
    `Message-ID: <demo-${n}-${now.getTime()}@${domain}>`,
    `Date: ${new Date(now.getTime() + n * 60_000).toUTCString()}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    m.body,
    '',
  ];
  return lines.join('\r\n');
}
