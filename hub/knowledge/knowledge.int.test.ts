import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { faultCodes, knowledgeArticles, serviceOrders, timelineEntries } from '../../db/schema/index.js';
import { makeAsset, makeCustomer, makeModel } from '../../test/support/factories.js';
import { DRIVERS, startTestHub, type TestHub } from '../../test/support/test-hub.js';

describe.each(DRIVERS)('knowledge base on %s', (driver) => {
  let t: TestHub;
  let admin: string;
  beforeAll(async () => {
    t = await startTestHub(driver);
    admin = t.adminToken;
  });
  afterAll(async () => { await t?.close(); });

  const tag = () => randomBytes(3).toString('hex');

  async function requestOn(assetId: string, subject: string, description = '') {
    const r = await t.request('POST', '/api/requests', { token: admin, body: { subject, description, assetId, priority: 'normal' } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.request.id as string;
  }

  /** new → … → completed with the technician's report, then closed by a supervisor (override: no sign-off here). */
  async function closeOrder(requestId: string, feedback: { workDone: string; faultCode?: string; failedComponent?: string }, cause?: string) {
    const tech = await t.userWithRole('technician');
    const supervisor = await t.userWithRole('supervisor');
    const created = await t.request('POST', '/api/orders', { token: admin, body: { requestId, description: 'Einsatz' } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    if (cause) await t.hub.db.update(serviceOrders).set({ cause }).where(eq(serviceOrders.id, id));
    let v = created.body.version as number;
    const move = async (token: string, to: string, reason?: string) => {
      const res = await t.request('POST', `/api/orders/${id}/transitions`, { token, body: { to, version: v, ...(reason ? { reason } : {}) } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      v = res.body.version;
    };
    await move(admin, 'planned');
    await t.hub.db.update(serviceOrders).set({ technicianId: tech.userId }).where(eq(serviceOrders.id, id));
    await move(admin, 'dispatched');
    await move(tech.token, 'en_route');
    await move(tech.token, 'on_site');
    const fb = await t.request('POST', `/api/orders/${id}/feedback`, { token: tech.token, body: { objectCondition: 'gut', labour: { hours: 1, unitPriceCents: 8_000 }, ...feedback } });
    expect(fb.status, JSON.stringify(fb.body)).toBe(200);
    v = (await t.request('GET', `/api/orders/${id}`, { token: admin })).body.version;
    await move(tech.token, 'completed');
    await move(supervisor.token, 'closed', 'signed on paper');
    return id;
  }

  it('keeps articles with revisions, renders Markdown safely, and finds words with or without diacritics and in Chinese', async () => {
    const agent = await t.userWithRole('agent');
    const tech = await t.userWithRole('technician');
    const body = '## Lösung\n\nDen **Störungsspeicher** löschen.\n\n<script>alert(1)</script>\n\n[Handbuch](javascript:alert(2)) · [Portal](https://example.com/h)\n\nBłąd czujnika, hőmérséklet érzékelő. 压缩机过热时先检查风扇。';
    const created = await t.request('POST', '/api/knowledge/articles', { token: agent.token, body: { title: `Störung F12 quittieren ${tag()}`, body, tags: ['Steuerung'], faultCodes: ['F12'] } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const a = created.body;
    expect(a).toMatchObject({ number: expect.stringMatching(/^KB-\d{6}$/), status: 'draft', visibility: 'internal', version: 1, cases: [] });
    expect(a.bodyHtml).toContain('<h2>Lösung</h2>');
    expect(a.bodyHtml).toContain('<strong>Störungsspeicher</strong>');
    expect(a.bodyHtml).not.toContain('<script');
    expect(a.bodyHtml).not.toContain('javascript:');
    expect(a.bodyHtml).toContain('href="https://example.com/h"');
    expect(a.answer).toContain('Den Störungsspeicher löschen.');
    expect(a.answer).not.toContain('**');

    const find = async (q: string) => (await t.request('GET', `/api/knowledge/articles?q=${encodeURIComponent(q)}`, { token: tech.token })).body.items.map((i: { id: string }) => i.id);
    for (const q of ['storung f12', 'STÖRUNGSSPEICHER', 'blad czujnika', 'homerseklet', '压缩机', '过热', 'steuerung']) {
      expect(await find(q), q).toContain(a.id);
    }
    expect(await find('störung kältemittel')).not.toContain(a.id); // every word must match
    // The console's one search box finds articles too.
    const global = await t.request('GET', `/api/search?q=${encodeURIComponent('storungsspeicher')}&kind=article`, { token: agent.token });
    expect(global.status, JSON.stringify(global.body)).toBe(200);
    expect(global.body.items).toMatchObject([{ kind: 'article', id: a.id, title: `${a.number} ${a.title}`, status: 'draft' }]);

    // Edits are revisions with optimistic versions; an agent writes, only an editor publishes.
    const edited = await t.request('PATCH', `/api/knowledge/articles/${a.id}`, { token: agent.token, body: { version: 1, title: `F12 quittieren ${tag()}`, note: 'kürzer' } });
    expect(edited.body).toMatchObject({ version: 2 });
    expect((await t.request('PATCH', `/api/knowledge/articles/${a.id}`, { token: agent.token, body: { version: 1, title: 'zu spät' } })).status).toBe(409);
    expect((await t.request('POST', `/api/knowledge/articles/${a.id}/status`, { token: agent.token, body: { version: 2, status: 'published' } })).status).toBe(403);
    expect((await t.request('POST', '/api/knowledge/articles', { token: tech.token, body: { title: 'Technikertipp' } })).status).toBe(403);
    const customer = await t.userWithRole('customer', { customerId: (await makeCustomer(t.hub.db)).id });
    expect((await t.request('GET', '/api/knowledge/articles', { token: customer.token })).status).toBe(403);
    const published = await t.request('POST', `/api/knowledge/articles/${a.id}/status`, { token: admin, body: { version: 2, status: 'published' } });
    expect(published.body).toMatchObject({ status: 'published', version: 3, publishedAt: expect.any(String) });
    const revisions = await t.request('GET', `/api/knowledge/articles/${a.id}/revisions`, { token: agent.token });
    expect(revisions.body.items.map((r: { version: number; status: string; note: string | null }) => [r.version, r.status, r.note]))
      .toEqual([[3, 'published', 'published'], [2, 'draft', 'kürzer'], [1, 'draft', 'created']]);
    expect(revisions.body.items[2].title).toBe(a.title);
    const renamed = await t.request('GET', `/api/search?q=quittieren&kind=article`, { token: agent.token });
    expect(renamed.body.items).toMatchObject([{ id: a.id, title: `${a.number} ${edited.body.title}`, status: 'published' }]);
  });

  it('drafts an article when an order closes with a confirmed fault code, and adds later cases of that code and model to it', async () => {
    const code = `KB${tag()}`.toUpperCase();
    await t.hub.db.insert(faultCodes).values({ code, description: 'Hochdruckstörung', defaultSeverity: 'major', component: 'compressor' });
    const model = await makeModel(t.hub.db, { name: 'Kaltwassersatz 40' });
    const first = await requestOn((await makeAsset(t.hub.db, { modelId: model.id })).id, 'Anlage geht auf Hochdruck', 'Seit gestern Abend');
    const firstOrder = await closeOrder(first, { workDone: 'Verflüssigerlüfter gereinigt, Druckschalter getauscht', faultCode: code, failedComponent: 'Druckschalter' }, 'Verschmutzter Verflüssiger');

    const drafts = await t.hub.db.select().from(knowledgeArticles).where(eq(knowledgeArticles.title, `${code} Hochdruckstörung — Kaltwassersatz 40`));
    expect(drafts).toHaveLength(1);
    expect(drafts[0]).toMatchObject({ status: 'draft', visibility: 'internal', faultCodes: [code], modelIds: [model.id], tags: ['Druckschalter'] });
    const draft = (await t.request('GET', `/api/knowledge/articles/${drafts[0]!.id}`, { token: admin })).body;
    expect(draft.body).toContain('## Symptom\n\nAnlage geht auf Hochdruck');
    expect(draft.body).toContain('## Cause\n\nVerschmutzter Verflüssiger');
    expect(draft.body).toContain('## Solution\n\nVerflüssigerlüfter gereinigt, Druckschalter getauscht');
    expect(draft.cases).toMatchObject([{ orderId: firstOrder, requestId: first, faultCode: code, failedComponent: 'Druckschalter', requestNumber: expect.stringMatching(/^SR-/) }]);
    const notes = await t.hub.db.select().from(timelineEntries).where(eq(timelineEntries.requestId, first));
    expect(notes.map((n) => n.body)).toContainEqual(expect.stringMatching(new RegExp(`drafted ${draft.number} for the knowledge base`)));

    // The same code on the same model: one more case on that article, no second article.
    const second = await requestOn((await makeAsset(t.hub.db, { modelId: model.id })).id, 'Hochdruck schon wieder');
    const secondOrder = await closeOrder(second, { workDone: 'Druckschalter getauscht', faultCode: code });
    expect(await t.hub.db.select().from(knowledgeArticles).where(eq(knowledgeArticles.title, draft.title))).toHaveLength(1);
    const grown = (await t.request('GET', `/api/knowledge/articles/${draft.id}`, { token: admin })).body;
    expect(grown.cases.map((c: { orderId: string }) => c.orderId).sort()).toEqual([firstOrder, secondOrder].sort());
    expect(grown.version).toBe(1); // the text is the editor's; cases are listed beside it

    // Another model with the code: its own draft. No confirmed fault code: nothing drafted.
    const other = await requestOn((await makeAsset(t.hub.db)).id, 'Hochdruck');
    await closeOrder(other, { workDone: 'Druckschalter getauscht', faultCode: code });
    const byCode = await t.request('GET', `/api/knowledge/articles?faultCode=${code}`, { token: admin });
    expect(byCode.body.items).toHaveLength(2);
    const before = (await t.request('GET', '/api/knowledge/articles?limit=100', { token: admin })).body.items.length;
    await closeOrder(await requestOn((await makeAsset(t.hub.db)).id, 'Sichtprüfung'), { workDone: 'Nichts gefunden' });
    expect((await t.request('GET', '/api/knowledge/articles?limit=100', { token: admin })).body.items.length).toBe(before);
  });

  it('suggests published articles for a request by fault code, model and words, and says why', async () => {
    const code = `SG${tag()}`.toUpperCase();
    const word = `zyklon${tag()}`;
    const model = await makeModel(t.hub.db);
    const requestId = await requestOn((await makeAsset(t.hub.db, { modelId: model.id })).id, `Pumpe macht ${word} Geräusche`);
    await t.hub.db.insert(faultCodes).values({ code, description: 'Lagerschaden', defaultSeverity: 'minor' });
    await closeOrder(requestId, { workDone: 'Lager geprüft', faultCode: code }); // the technician's confirmed code counts
    const mk = async (title: string, extra: Record<string, unknown>, publish = true) => {
      const a = await t.request('POST', '/api/knowledge/articles', { token: admin, body: { title, body: 'Antwort: Lager schmieren.', ...extra } });
      expect(a.status, JSON.stringify(a.body)).toBe(201);
      if (publish) await t.request('POST', `/api/knowledge/articles/${a.body.id}/status`, { token: admin, body: { version: 1, status: 'published' } });
      return a.body.id as string;
    };
    const byCode = await mk(`Fehler ${code}`, { faultCodes: [code] });
    const byModel = await mk(`Wartung ${tag()}`, { modelIds: [model.id], body: `Geräusche ${word}` });
    const byWord = await mk(`${word} Geräusche`, {});
    const draft = await mk(`${word} Entwurf`, { faultCodes: [code] }, false);
    const otherModel = await mk(`${word} andere Baureihe`, { modelIds: [(await makeModel(t.hub.db)).id] });

    const res = await t.request('GET', `/api/requests/${requestId}/knowledge`, { token: (await t.userWithRole('agent')).token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const ids = res.body.items.map((i: { id: string }) => i.id);
    expect(ids.slice(0, 3)).toEqual([byCode, byModel, byWord]);
    expect(ids).not.toContain(draft);
    expect(ids).not.toContain(otherModel);
    expect(res.body.items[0].reasons).toEqual([`fault code ${code}`]);
    expect(res.body.items[1].reasons).toEqual(['same model', `words: ${word}, gerausche`]);
    expect(res.body.items[0].answer).toBe('Antwort: Lager schmieren.');
  });

  it('shows only published public articles to the public', async () => {
    const word = `offen${tag()}`;
    const mk = async (visibility: string, publish: boolean) => {
      const a = await t.request('POST', '/api/knowledge/articles', { token: admin, body: { title: `${word} ${visibility} ${publish}`, body: `Heizung entlüften (${word})`, visibility } });
      if (publish) await t.request('POST', `/api/knowledge/articles/${a.body.id}/status`, { token: admin, body: { version: 1, status: 'published' } });
      return a.body.id as string;
    };
    const pub = await mk('public', true);
    const internal = await mk('internal', true);
    const draft = await mk('public', false);
    const res = await t.hub.app.request(`/api/public/knowledge?q=${word}`);
    const items = (await res.json()).items as Array<{ id: string; bodyHtml: string }>;
    expect(items.map((i) => i.id)).toEqual([pub]);
    expect(items[0]!.bodyHtml).toContain(`Heizung entlüften (${word})`);
    expect((await t.hub.app.request(`/api/public/knowledge/${internal}`)).status).toBe(404);
    expect((await t.hub.app.request(`/api/public/knowledge/${draft}`)).status).toBe(404);
    expect((await t.hub.app.request(`/api/public/knowledge/${pub}`)).status).toBe(200);
    // What a customer types into the form: any two of its words (or one in a title) suggest an answer.
    const typed = async (q: string) => ((await (await t.hub.app.request(`/api/public/knowledge?match=any&q=${encodeURIComponent(q)}`)).json()).items as Array<{ id: string }>).map((i) => i.id);
    expect(await typed(`Meine Heizung muss ich entlüften? ${word}`)).toEqual([pub]);
    expect(await typed(`Das Gerät ${word}`)).toEqual([pub]); // a title word
    expect(await typed('Heizung entlüften')).not.toContain(internal);
    expect(await typed('with from that this')).toEqual([]);
  });
});
