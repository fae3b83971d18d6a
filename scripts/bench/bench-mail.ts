/** Realistic approval-desk mail for the benchmark: 5–50 KB, text and HTML, quoted threads, disclaimers. */
const CLIENTS = [
  { from: 'Pat Quinn <pm@riversidefm.example>', domain: 'riversidefm.example' },
  { from: 'Dr. Ana Ortiz <dr.ortiz@lakesidepeds.example>', domain: 'lakesidepeds.example' },
  { from: 'Office <office@unknown-clinic.example>', domain: 'unknown-clinic.example' },
];
const BODIES = [
  'Acme Scheduler is approved for production - go ahead.',
  'We have signed an agreement with Acme permitting Acme Scheduler to connect to our test database, and we are happy to serve as a beta site.',
  'Could you tell us what the next step is for Brightline Insights? We will approve once training is done.',
  'Thanks for the update. We will review the test plan with our IT lead this week.',
];
const QUOTE =
  'On Fri, Nov 20, 2026 at 4:12 PM API Partners <apipartners@partners.example> wrote:\n> Thank you for your message. Before the next step we need written confirmation from your practice.\n> Please reply to this email with the confirmation described in the program guide.\n';
const DISCLAIMER =
  'CONFIDENTIALITY NOTICE: This e-mail message, including any attachments, is for the sole use of the intended recipient(s) and may contain confidential and privileged information. Any unauthorized review, use, disclosure or distribution is prohibited.';

export function benchMessage(i: number, messageId?: string): string {
  const c = CLIENTS[i % CLIENTS.length]!;
  const body = BODIES[i % BODIES.length]!;
  const targetKb = 5 + ((i * 7919) % 46); // 5–50 KB
  const history = QUOTE.repeat(Math.max(1, Math.round((targetKb * 1024) / 2 / (QUOTE.length * 2))));
  const text = `Hello,\n\n${body}\n\nBest regards\n\n${DISCLAIMER}\n\n${history}`;
  const html = `<html><body><div dir="ltr"><p>Hello,</p><p>${body}</p><p>Best regards</p><p style="font-size:8pt">${DISCLAIMER}</p></div><div class="gmail_quote"><blockquote>${history.replace(/\n/g, '<br>')}</blockquote></div></body></html>`;
  const address = /<([^>]+)>/.exec(c.from)![1]!;
  return [
    `Authentication-Results: mx.partners.example; dkim=pass header.d=${c.domain}; spf=pass smtp.mailfrom=${c.domain}; dmarc=pass header.from=${c.domain}`,
    `Return-Path: <${address}>`,
    `From: ${c.from}`,
    'To: API Partners <apipartners@partners.example>',
    `Subject: ${i % 2 ? 'RE: ' : ''}Acme Scheduler ${i}`,
    `Message-ID: ${messageId ?? `<bench-${i}@${c.domain}>`}`,
    'Date: Mon, 23 Nov 2026 15:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: multipart/alternative; boundary="ALT"',
    '',
    '--ALT',
    'Content-Type: text/plain; charset=utf-8',
    '',
    text.replace(/\n/g, '\r\n'),
    '--ALT',
    'Content-Type: text/html; charset=utf-8',
    '',
    html,
    '--ALT--',
    '',
  ].join('\r\n');
}
