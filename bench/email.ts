import { randomBytes } from 'node:crypto';
import { count } from 'drizzle-orm';
import postgres from 'postgres';
import { emailMessages, outbox } from '../db/schema/index.js';
import { loadConfig } from '../hub/config.js';
import { startHub, type Hub } from '../hub/hub.js';
import { createLogger } from '../hub/platform/logger.js';
import { startDovecot, type Dovecot } from '../test/support/dovecot.js';
import type { BenchResult } from './lib.js';

/**
 * Email intake: N messages (a third of them replies to earlier ones) in a private Dovecot,
 * read by the hub over IMAP (IDLE), parsed, threaded and committed (request or timeline entry,
 * email_messages row, acknowledgement in the outbox). Two runs on fresh databases:
 * "backlog" — all mail is in the mailbox before the hub starts; "live" — the hub is running and
 * the mail is appended over IMAP while it reads. Args: --messages N (default 1000), --pg URL.
 */
export async function run(args: string[]): Promise<BenchResult> {
  const opt = (name: string, def: string) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] ?? def : def; };
  const total = Number(opt('messages', '1000'));
  const pgUrl = opt('pg', process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
  const rows: BenchResult['rows'] = [];
  for (const mode of ['backlog', 'live'] as const) {
    const dovecot = await startDovecot();
    const db = await freshDatabase(pgUrl);
    try {
      rows.push({ mode, messages: total, ...(await measure(mode, dovecot, db.url, total)) });
    } finally {
      await dovecot.stop();
      await db.drop();
    }
  }
  return {
    name: 'email', rows,
    notes: [
      `${total} messages, ${Math.floor(total / 3)} of them replies; PostgreSQL, IMAP_BATCH 100. Figures are from a loaded, shared 2-core machine.`,
      'msg/s ingested: from the first to the last message committed. end-to-end: from the first append (live) or hub start (backlog) until the last message is on its request.',
    ],
  };
}

function messages(total: number): string[] {
  const replies = Math.floor(total / 3);
  const originals = total - replies;
  const tag = randomBytes(3).toString('hex');
  const out: string[] = [];
  for (let i = 0; i < originals; i++) {
    out.push(`From: Kunde ${i % 300} <kunde${i % 300}@example.de>\r\nTo: service@hub.example\r\nSubject: =?UTF-8?Q?W=C3=A4rmepumpe_${i}_gest=C3=B6rt?=\r\n`
      + `Message-ID: <bench-${tag}-${i}@example.de>\r\nDate: Mon, 23 Nov 2026 09:00:00 +0100\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n`
      + `Content-Transfer-Encoding: quoted-printable\r\n\r\nDie Anlage ${i} zeigt St=C3=B6rung E42, bitte um R=C3=BCckruf.\r\n`);
  }
  for (let j = 0; j < replies; j++) {
    const i = (j * 2) % originals;
    out.push(`From: kunde${i % 300}@example.de\r\nTo: service@hub.example\r\nSubject: Re: Anlage ${i}\r\nMessage-ID: <bench-${tag}-r${j}@example.de>\r\n`
      + `In-Reply-To: <bench-${tag}-${i}@example.de>\r\nReferences: <bench-${tag}-${i}@example.de>\r\n\r\nNachtrag ${j}: es tropft auch.\r\n`);
  }
  return out;
}

async function appendAll(dovecot: Dovecot, mails: string[], connections = 4): Promise<void> {
  // Originals before their replies: append in order, spread over a few connections in slices.
  const slice = Math.ceil(mails.length / connections / 10);
  for (let i = 0; i < mails.length; i += slice * connections) {
    await Promise.all(Array.from({ length: connections }, (_, k) => dovecot.append(mails.slice(i + k * slice, i + (k + 1) * slice))));
  }
}

async function measure(mode: 'backlog' | 'live', dovecot: Dovecot, databaseUrl: string, total: number) {
  const mails = messages(total);
  if (mode === 'backlog') await appendAll(dovecot, mails);
  const t0 = performance.now();
  const hub: Hub = await startHub(loadConfig({
    DATABASE_URL: databaseUrl, DATA_DIR: `.tmp/bench-email-${Date.now()}`, PORT: '0', LOG_LEVEL: 'silent', HUB_QUEUE_PREFIX: `bench${Date.now()}`,
    IMAP_URL: dovecot.url, IMAP_POLL_SECONDS: '5', MAIL_SENDER_HOURLY_LIMIT: '100000',
  }), { log: createLogger('silent'), isHttpOff: true });
  try {
    const start = mode === 'live' ? performance.now() : t0;
    if (mode === 'live') void appendAll(dovecot, mails);
    let first = 0;
    let n = 0;
    while (n < total) {
      n = (await hub.db.select({ n: count() }).from(emailMessages))[0]!.n;
      if (n > 0 && !first) first = performance.now();
      if (performance.now() - start > 120_000) throw new Error(`only ${n} of ${total} messages after 120 s`);
      await new Promise((r) => setTimeout(r, 25));
    }
    const last = performance.now();
    const [acks] = await hub.db.select({ n: count() }).from(outbox);
    return {
      'msg/s ingested': Math.round(total / ((last - first) / 1000)),
      'end-to-end s': Number(((last - start) / 1000).toFixed(2)),
      'acks queued': acks!.n,
    };
  } finally {
    await hub.close();
  }
}

async function freshDatabase(adminUrl: string) {
  const name = `hub_bench_email_${Date.now()}_${randomBytes(3).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => { await admin.unsafe(`drop database if exists "${name}" with (force)`); await admin.end(); },
  };
}
