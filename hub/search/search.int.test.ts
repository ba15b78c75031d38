import { randomBytes } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchDocuments, searchTerms, serviceRequests, timelineEntries } from '../../db/schema/index.js';
import { toTimelineView } from '../requests/summary.js';
import { indexEntities, indexFromEvents } from './indexer.js';
import { anyOf } from '../../db/any.js';
import { rowsOf } from '../../db/client.js';
import { DRIVERS, startTestHub, type TestHub } from '../../test/support/test-hub.js';
import { backfillSearch } from './backfill.js';

describe.each(DRIVERS)('search on %s', (driver) => {
  let t: TestHub;
  let admin: string;
  beforeAll(async () => {
    t = await startTestHub(driver);
    admin = t.adminToken;
  });
  afterAll(async () => { await t?.close(); });

  /** a unique word (letters only: a digit would make it look like a serial) */
  const tag = () => `q${randomBytes(4).toString('hex').replace(/\d/g, (d) => 'ghijklmnop'[Number(d)]!)}`;

  async function post(path: string, body: unknown, token = admin) {
    const r = await t.request('POST', path, { token, body });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  }
  async function search(query: Record<string, string>, token = admin) {
    const r = await t.request('GET', `/api/search?${new URLSearchParams(query)}`, { token });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body as { items: Array<{ kind: string; id: string; title: string; titleHighlights: Array<[number, number]>; requestId: string | null; snippet: { text: string; highlights: Array<[number, number]> } }>; jump: { kind: string; id: string } | null; corrected: { query: string; words: Array<{ from: string; to: string }> } | null };
  }
  const ids = (res: { items: Array<{ id: string }> }) => res.items.map((i) => i.id);
  const marked = (hit: { snippet: { text: string; highlights: Array<[number, number]> } }) => hit.snippet.highlights.map(([a, b]) => hit.snippet.text.slice(a, b));

  async function installBase(k: string) {
    const customer = await post('/api/customers', { name: `Müller Kältetechnik ${k}`, country: 'DE', phone: `+49 30 ${k.length}${Date.now() % 1e7}` });
    const model = await post('/api/product-models', { code: `WP-${k}`, name: `Wärmepumpe ${k}`, productLine: 'heat pumps' });
    const serial = `HP-${randomBytes(3).toString('hex').toUpperCase()}-${Date.now() % 1e6}`;
    const asset = await post('/api/assets', { serialNumber: serial, modelId: model.id, customerId: customer.id });
    return { customer, model, asset, serial };
  }

  it('finds German, Polish and Hungarian words with or without diacritics, and Chinese by a two-character word', async () => {
    const k = tag();
    const de = await post('/api/requests', { subject: `Störung Außengerät ${k}`, description: 'Die Wärmepumpe schaltet ab.', priority: 'normal' });
    const pl = await post('/api/requests', { subject: `Błąd czujnika ${k}`, description: 'Urządzenie zgłasza usterkę.', priority: 'normal' });
    const hu = await post('/api/requests', { subject: `Hőmérséklet hiba ${k}`, description: 'A érzékelő nem működik.', priority: 'normal' });
    const zh = await post('/api/requests', { subject: `压缩机过热 ${k}`, description: '客户说风扇不转。', priority: 'normal' });
    const cases: Array<[string, string]> = [
      [`storung ${k}`, de.request.id], [`STÖRUNG ${k}`, de.request.id], [`aussengerat ${k}`, de.request.id], [`Wärmepumpe ${k}`, de.request.id],
      [`blad ${k}`, pl.request.id], [`błąd ${k}`, pl.request.id], [`usterke ${k}`, pl.request.id],
      [`homerseklet ${k}`, hu.request.id], [`érzékelő ${k}`, hu.request.id], [`mukodik ${k}`, hu.request.id],
      [`过热 ${k}`, zh.request.id], [`风扇 ${k}`, zh.request.id], [`压缩机 ${k}`, zh.request.id],
    ];
    for (const [q, id] of cases) expect(ids(await search({ q })), q).toEqual([id]);
    const hit = (await search({ q: `stor ${k}` })).items[0]!;
    expect(hit.title).toMatch(/^SR-\d{6} Störung/);
    expect(hit.titleHighlights.map(([a, b]) => hit.title.slice(a, b))).toEqual(['Störung', k]);
    expect(hit.snippet).toEqual({ text: 'Die Wärmepumpe schaltet ab.', highlights: [] });
    expect(marked((await search({ q: `warmepumpe ${k}` })).items[0]!)).toEqual(['Wärmepumpe']);
  });

  it('finds timeline text (notes, call notes) and reflects updates and renames', async () => {
    const k = tag();
    const r = await post('/api/requests', { subject: `Heizung kalt ${k}`, priority: 'normal' });
    const id = r.request.id as string;
    const k2 = tag();
    await post(`/api/requests/${id}/notes`, { body: `Kunde rief an: Kondensator ${k2} tauschen` });
    expect(ids(await search({ q: `kondensator ${k2}` }))).toEqual([id]);

    const current = (await t.request('GET', `/api/requests/${id}`, { token: admin })).body;
    const k3 = tag();
    const patched = await t.request('PATCH', `/api/requests/${id}`, { token: admin, body: { version: current.version, subject: `Warmwasser ${k3}` } });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(ids(await search({ q: k3 }))).toEqual([id]);
    expect(ids(await search({ q: `heizung ${k}` }))).toEqual([]);

    const { customer } = await installBase(k);
    const k4 = tag();
    const renamed = await t.request('PATCH', `/api/customers/${customer.id}`, { token: admin, body: { name: `Nowak Serwis ${k4}` } });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    expect((await search({ q: `nowak ${k4}` })).items.map((i) => [i.kind, i.id])).toContainEqual(['customer', customer.id]);
    expect((await search({ q: `Müller ${k}`, kind: 'customer' })).items).toEqual([]);
  });

  it('writes the documents of requests a batch opens from the rows it wrote, as reading them back would', async () => {
    const k = tag();
    const made = await Promise.all([
      { subject: `Pumpe läuft nicht ${k}`, description: 'Seit gestern kein Druck.' },
      { subject: `Display dunkel ${k}`, description: '  Display dunkel, Gerät piept  ' },
      { subject: `Ohne Beschreibung ${k}`, description: '' },
    ].map((f, i) => t.hub.pipeline.submit({
      channel: 'web', receivedAt: new Date(), actor: { type: 'customer' }, ...f, contact: { email: `frisch.${i}.${k}@example.de`, name: `Frisch ${i}` },
    })));
    const requestIds = made.map((m) => m.requestId!);
    const docs = () => t.hub.db.select({
      entityId: searchDocuments.entityId, title: searchDocuments.title, body: searchDocuments.body, jumpKeys: searchDocuments.jumpKeys,
      tsv: searchDocuments.tsv, titleTsv: searchDocuments.titleTsv, type: searchDocuments.type, channel: searchDocuments.channel,
      status: searchDocuments.status, priority: searchDocuments.priority, teamId: searchDocuments.teamId,
      customerId: searchDocuments.customerId, requestId: searchDocuments.requestId, createdAt: searchDocuments.createdAt,
    }).from(searchDocuments).where(and(eq(searchDocuments.kind, 'request'), anyOf(searchDocuments.entityId, requestIds, 'uuid')))
      .orderBy(searchDocuments.entityId);
    const written = await docs();
    expect(written).toHaveLength(3);
    await indexEntities(t.hub.db, 'request', requestIds); // read back, as any later change does
    expect(await docs()).toEqual(written);
    expect(ids(await search({ q: `druck ${k}` }))).toEqual([requestIds[0]]);
  });

  it('neither rewrites nor indexes a request for its alarm notes (their words are in its subject)', async () => {
    const k = tag();
    const r = await post('/api/requests', { subject: `Verdichter Überstrom ${k}`, priority: 'normal' });
    const id = r.request.id as string;
    const docOf = async () => (await t.hub.db.select({ updatedAt: searchDocuments.updatedAt }).from(searchDocuments)
      .where(and(eq(searchDocuments.kind, 'request'), eq(searchDocuments.entityId, id))))[0]?.updatedAt;
    const before = await docOf();
    const k2 = tag();
    const [note] = await t.hub.db.insert(timelineEntries).values({ requestId: id, kind: 'alarm', actorType: 'device', body: `E101 ${k2} raised (major)` }).returning();
    await t.hub.db.transaction((tx) => indexFromEvents(tx, [{
      type: 'request.timeline_added', data: toTimelineView(note!), seq: 0, rooms: [], committedAt: new Date().toISOString(),
    }]));
    expect(await docOf()).toEqual(before);
    // a note an agent writes rewrites the document, still without the alarm's words
    const k3 = tag();
    await post(`/api/requests/${id}/notes`, { body: `Techniker bestellt ${k3}` });
    expect(ids(await search({ q: k3 }))).toEqual([id]);
    expect(ids(await search({ q: k2 }))).toEqual([]);
  });

  it('jumps to an exact request number, serial or phone number, and finds serials and phones by prefix', async () => {
    const k = tag();
    const { asset, serial, customer } = await installBase(k);
    const r = await post('/api/requests', { subject: `Pumpe laut ${k}`, assetId: asset.id, priority: 'high' });
    const number = r.request.number as string;

    const byNumber = await search({ q: number });
    expect(byNumber.jump).toEqual({ kind: 'request', id: r.request.id, requestId: r.request.id });
    expect(byNumber.items[0]!.id).toBe(r.request.id);
    expect((await search({ q: number.replace('SR-', 'sr') })).jump?.id).toBe(r.request.id);

    const bySerial = await search({ q: serial.toLowerCase() });
    // an asset opens its newest request
    expect(bySerial.jump).toEqual({ kind: 'asset', id: asset.id, requestId: r.request.id });
    expect(bySerial.items[0]!.id).toBe(asset.id);
    // a serial's beginning, without its dashes, finds it by prefix
    const prefix = serial.replace(/-/g, '').slice(0, 6);
    expect(ids(await search({ q: prefix, kind: 'asset' }))).toContain(asset.id);

    const contact = await post('/api/contacts', { customerId: customer.id, name: `Anna Kowalska ${k}`, phone: '+48 61 555 01 23'.replace('555', String(100 + Math.floor(Math.random() * 899))) });
    const byPhone = await search({ q: contact.phone });
    expect(byPhone.jump).toMatchObject({ kind: 'contact', id: contact.id });
    const national = contact.phone.replace(/\D/g, '').slice(-9);
    expect((await search({ q: `${national.slice(0, 3)} ${national.slice(3, 6)} ${national.slice(6)}` })).jump).toMatchObject({ id: contact.id });
    expect(ids(await search({ q: national.slice(0, 6), kind: 'contact' }))).toContain(contact.id);
  });

  it('filters by kind, status, priority, channel, customer and date, and ranks title matches first', async () => {
    const k = tag();
    const { customer } = await installBase(k);
    const inTitle = await post('/api/requests', { subject: `Ventil ${k} undicht`, priority: 'high', customerId: customer.id, channel: 'email' });
    const inBody = await post('/api/requests', { subject: `Wartung ${k}`, description: `Ventil prüfen`, priority: 'low' });
    expect(ids(await search({ q: `ventil ${k}` }))).toEqual([inTitle.request.id, inBody.request.id]);
    expect(ids(await search({ q: `ventil ${k}`, priority: 'low' }))).toEqual([inBody.request.id]);
    expect(ids(await search({ q: `ventil ${k}`, channel: 'email' }))).toEqual([inTitle.request.id]);
    expect(ids(await search({ q: `ventil ${k}`, customerId: customer.id }))).toEqual([inTitle.request.id]);
    expect(ids(await search({ q: `ventil ${k}`, status: 'new', type: 'request' }))).toHaveLength(2);
    expect(ids(await search({ q: `ventil ${k}`, status: 'closed' }))).toEqual([]);
    expect(ids(await search({ q: `ventil ${k}`, from: '2000-01-01', to: '2000-02-01' }))).toEqual([]);
    expect(ids(await search({ q: `ventil ${k}`, kind: 'customer' }))).toEqual([]);

    // a status change reaches the index's filter columns
    const v = (await t.request('GET', `/api/requests/${inBody.request.id}`, { token: admin })).body.version;
    const moved = await t.request('PATCH', `/api/requests/${inBody.request.id}`, { token: admin, body: { version: v, status: 'in_progress' } });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(ids(await search({ q: `ventil ${k}`, status: 'in_progress' }))).toEqual([inBody.request.id]);
  });

  it('answers staff only, and rejects bad input with 400', async () => {
    const customer = await t.userWithRole('customer');
    const tech = await t.userWithRole('technician');
    expect((await t.request('GET', '/api/search?q=pumpe', { token: customer.token })).status).toBe(403);
    expect((await t.request('GET', '/api/search?q=pumpe', { token: tech.token })).status).toBe(403);
    expect((await t.request('GET', '/api/search?q=pumpe', { token: null })).status).toBe(401);
    const agent = await t.userWithRole('agent');
    expect((await t.request('GET', '/api/search?q=pumpe', { token: agent.token })).status).toBe(200);
    for (const bad of ['', 'q=', 'q=x&kind=planet', 'q=x&limit=500', 'q=x&status=weird', 'q=x&from=yesterday', 'q=x&teamId=1']) {
      const r = await t.request('GET', `/api/search?${bad}`, { token: admin });
      expect(r.status, `${bad}: ${JSON.stringify(r.body)}`).toBe(400);
    }
  });

  it('treats query text literally: quotes, operators and markup are words, never syntax', async () => {
    const k = tag();
    const r = await post('/api/requests', { subject: `<b>Display</b> ${k} zeigt "E:12" & blinkt`, priority: 'normal' });
    for (const q of [`'${k}`, `${k} & | ! ( ) :*`, `"${k}"`, `<b>${k}`]) expect(ids(await search({ q })), q).toEqual([r.request.id]);
  });

  it('tolerates typos: a word the index does not know is searched as the nearest one it does, and the answer says so', async () => {
    const k = tag();
    // one letter dropped from the middle of the unique word
    const typo = k.slice(0, 4) + k.slice(5);
    const r = await post('/api/requests', { subject: `Kompressor ${k} defekt`, description: 'Der Verdichter läuft nicht an.', priority: 'normal' });
    const res = await search({ q: typo });
    expect(ids(res)).toEqual([r.request.id]);
    expect(res.corrected).toEqual({ query: k, words: [{ from: typo, to: k }] });
    // the hit is marked with the word searched, not the typo
    expect(res.items[0]!.titleHighlights.map(([a, b]) => res.items[0]!.title.slice(a, b))).toEqual([k]);

    // several words: the known ones stay as typed, a capital stays a capital
    const two = await search({ q: `Kompresor (${typo}) verdichter` });
    expect(ids(two)).toEqual([r.request.id]);
    expect(two.corrected).toEqual({ query: `Kompressor (${k}) verdichter`, words: [{ from: 'kompresor', to: 'kompressor' }, { from: typo, to: k }] });

    // words that are spelled right but find nothing together are left alone
    const other = tag();
    await post('/api/requests', { subject: `Lüfter ${other}`, priority: 'normal' });
    expect(await search({ q: `${k} ${other}` })).toEqual({ items: [], jump: null, corrected: null });
    // nothing near enough: no guess
    expect(await search({ q: 'xylophonzwqj' })).toEqual({ items: [], jump: null, corrected: null });
    // results without correction say nothing was corrected
    expect((await search({ q: k })).corrected).toBeNull();
  });

  it('corrects a misspelt customer name, and keeps one vocabulary row per word', async () => {
    const k = tag();
    const customer = await post('/api/customers', { name: `Przybylski Serwis ${k}`, country: 'PL' });
    const res = await search({ q: 'Przybylsky', kind: 'customer' });
    expect(ids(res)).toContain(customer.id);
    expect(res.corrected?.query).toBe('Przybylski');
    // indexing the same words again (an update) adds no second row
    const patched = await t.request('PATCH', `/api/customers/${customer.id}`, { token: admin, body: { notes: `Przybylski ${k}`, version: customer.version } });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    const rows = await t.hub.db.select().from(searchTerms).where(eq(searchTerms.term, k));
    expect(rows).toHaveLength(1);
    // numbers and short words are not vocabulary: they are matched exactly or by prefix
    expect(await t.hub.db.select().from(searchTerms).where(eq(searchTerms.term, 'pl'))).toEqual([]);
  });

  it('keeps no pending list on its GIN indexes (fastupdate off): no insert stalls merging one into the index', async () => {
    const rows = rowsOf(await t.hub.db.execute(sql`select relname, reloptions from pg_class where relname in
      ('search_documents_tsv_idx', 'search_documents_title_tsv_idx', 'search_documents_jump_idx', 'search_terms_trgm_idx') order by relname`));
    expect(rows.map((r) => [r.relname, r.reloptions])).toEqual([
      ['search_documents_jump_idx', ['fastupdate=false']],
      ['search_documents_title_tsv_idx', ['fastupdate=false']],
      ['search_documents_tsv_idx', ['fastupdate=false']],
      ['search_terms_trgm_idx', ['fastupdate=false']],
    ]);
  });

  it('backfills rows written around the write path', async () => {
    const k = tag();
    const r = await post('/api/requests', { subject: `Nachtrag ${k}`, priority: 'normal' });
    await t.hub.db.delete(searchDocuments).where(and(eq(searchDocuments.kind, 'request'), eq(searchDocuments.entityId, r.request.id)));
    expect(ids(await search({ q: `nachtrag ${k}` }))).toEqual([]);
    expect(await backfillSearch(t.hub.db)).toBeGreaterThanOrEqual(1);
    expect(ids(await search({ q: `nachtrag ${k}` }))).toEqual([r.request.id]);
    const [row] = await t.hub.db.select({ n: serviceRequests.number }).from(serviceRequests).where(eq(serviceRequests.id, r.request.id));
    expect((await search({ q: `SR-${String(row!.n).padStart(6, '0')}` })).jump?.id).toBe(r.request.id);
  });
});
