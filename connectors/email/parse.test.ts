import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseInboundMail, UnparsableMail } from './parse.js';

const fixture = (name: string, fill: Record<string, string> = {}) => {
  let raw = readFileSync(new URL(`./fixtures/${name}`, import.meta.url)).toString('latin1');
  for (const [k, v] of Object.entries(fill)) raw = raw.replaceAll(`{{${k}}}`, v);
  return Buffer.from(raw, 'latin1');
};
const stored: Buffer[] = [];
const parse = (raw: Buffer, maxAttachmentBytes = 1024 * 1024) => parseInboundMail(raw, {
  maxAttachmentBytes, storeAttachment: async (c) => { stored.push(c); return `sha-${c.length}`; },
});

describe('parseInboundMail: charsets and encodings as real mail has them', () => {
  it.each([
    ['utf8-german.eml', 'Wärmepumpe läuft nicht – Fehler E42', 'Außeneinheit ist vereist', 'Jürgen Weiß'],
    ['iso-8859-1-german.eml', 'Störung an der Heizung, Büro 3. Stock', 'Größere Räume', 'Grete Müller'],
    ['iso-8859-2-polish.eml', 'Awaria pompy ciepła: błąd sprężarki', 'Sprężarka głośno pracuje', 'Łukasz Żółć'],
    ['windows-1250-hungarian.eml', 'Hőszivattyú hibaüzenet: nyomáshiba', 'küldjenek szerelőt', 'Kovács Zoltán'],
    ['gb2312-chinese.eml', '热泵故障：压缩机无法启动', '请尽快安排技术人员上门维修', '王伟'],
    ['gbk-chinese.eml', '空调外机结冰，请求维修（镕）', '铭牌上的字“镕”', '李娜'],
    ['big5-chinese.eml', '熱泵故障：無法加熱', '請派技術人員來檢查', '陳志明'],
  ])('%s', async (file, subject, bodyPart, name) => {
    const { event } = await parse(fixture(file, { SERIAL: 'HP-1' }));
    expect(event.subject).toBe(subject);
    expect(event.description).toContain(bodyPart);
    expect(event.contact?.name).toBe(name);
    expect(event.email.noise).toBeNull();
  });
});

describe('parseInboundMail: structure', () => {
  it('sanitises HTML: no script, no event handlers, no javascript: links, no remote images', async () => {
    const { event } = await parse(fixture('html-with-script.eml'));
    const html = event.email.html ?? '';
    expect(html).toContain('<b>nie grzeje</b>');
    for (const bad of ['<script', 'onload', 'javascript:', 'tracker.example', '<iframe', 'document.cookie']) expect(html).not.toContain(bad);
  });

  it('stores attachments with RFC 2231 names and skips those over the limit', async () => {
    const { event } = await parse(fixture('attachment-pdf.eml', { SERIAL: 'WP-7731' }), 1000);
    expect(event.email.attachments).toEqual([
      expect.objectContaining({ filename: 'Wartungsprotokoll_März.pdf', contentType: 'application/pdf', sha256: expect.any(String), isInline: false }),
      expect.objectContaining({ filename: 'fehlerspeicher.bin', size: 4096, sha256: null, skipped: 'larger than 1000 bytes' }),
    ]);
  });

  it('keeps inline images as inline attachments and their cid: reference in the HTML', async () => {
    const { event } = await parse(fixture('inline-image.eml'));
    expect(event.email.attachments).toEqual([expect.objectContaining({ filename: 'display.png', isInline: true, contentType: 'image/png' })]);
    expect(event.email.html).toContain('src="cid:display@example.ch"');
  });

  it('reads what it can of broken MIME', async () => {
    const { event } = await parse(fixture('broken-mime.eml'));
    expect(event.description).toContain('Die Heizung ist kaputt');
  });

  it('refuses a mail without a sender address', async () => {
    await expect(parse(fixture('unparsable-no-sender.eml'))).rejects.toBeInstanceOf(UnparsableMail);
  });

  it('finds the SR tag, the Outlook References chain and labelled serial numbers', async () => {
    const reply = await parse(fixture('reply-closed.eml', { SR: 'SR-000042', IN_REPLY_TO: '<a@hub.example>', REFERENCES: '<x@example.de> <a@hub.example>' }));
    expect(reply.event.email).toMatchObject({ srNumber: 42, inReplyTo: '<a@hub.example>', references: ['<x@example.de>', '<a@hub.example>'] });
    const outlook = await parse(fixture('outlook-reply.eml', { REFERENCES: '<ours@hub.example>' }));
    expect(outlook.event.email.references).toEqual(['<ours@hub.example>', '<AM0PR07MB7654321@AM0PR07MB7654.eurprd07.prod.outlook.com>']);
    expect(outlook.event.description).toContain('Dienstag passt gut');
    expect((await parse(fixture('utf8-german.eml', { SERIAL: 'WP-7731-X' }))).serialCandidates[0]).toBe('WP-7731-X');
  });
});

describe('parseInboundMail: loop and noise protection', () => {
  it.each([
    ['auto-reply.eml', 'auto_submitted'],
    ['newsletter-reply.eml', 'precedence'],
    ['bounce.eml', 'bounce'],
  ])('%s is %s', async (file, noise) => {
    const { event } = await parse(fixture(file, { SR: 'SR-000001', IN_REPLY_TO: '<a@hub.example>', BOUNCED_ID: '<ack-1@hub.example>' }));
    expect(event.email.noise).toBe(noise);
  });

  it('names the bounced mail of a delivery status notification', async () => {
    const { event } = await parse(fixture('bounce.eml', { SR: 'SR-000001', BOUNCED_ID: '<ack-1@hub.example>' }));
    expect(event.email).toMatchObject({ inReplyTo: '<ack-1@hub.example>', references: ['<ack-1@hub.example>'] });
  });
});
