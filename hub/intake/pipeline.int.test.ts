import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contacts, domainEvents, intakeReceipts, requestCategories, routingRules, searchDocuments, serviceRequests, timelineEntries, timers } from '../../db/schema/index.js';
import type { LoggedEvent } from '../contracts/domain-events.js';
import type { IntakeEventInput } from '../contracts/intake-event.js';
import { DRIVERS, startTestHub, type TestHub } from '../../test/support/test-hub.js';
import { makeAsset, makeContract, makeCustomer, makeModel, makeSite, makeTeam } from '../../test/support/factories.js';

const agent = { type: 'user' as const, id: '00000000-0000-4000-8000-000000000001' };
const customerActor = { type: 'customer' as const };

describe.each(DRIVERS)('intake pipeline on %s', (driver) => {
  let t: TestHub;
  const published: LoggedEvent[] = [];
  beforeAll(async () => {
    t = await startTestHub(driver);
    t.hub.bus.subscribe((events) => published.push(...events));
  });
  afterAll(async () => { await t?.close(); });
  // A Monday far ahead: due times are asserted exactly, and a deadline already past would fire its
  // SLA timer during the test (this date was once today, and the test broke at 17:00).
  const submit = (e: Partial<IntakeEventInput>) => t.hub.pipeline.submit({
    channel: 'email', receivedAt: new Date('2037-11-23T09:00:00Z'), actor: customerActor, subject: 'Störung', ...e,
  } as IntakeEventInput);

  describe('when a unit is identified', () => {
    it('fills customer, contract, warranty and routes by the site region with due times from the contract', async () => {
      const db = t.hub.db;
      const customer = await makeCustomer(db, { region: 'Bayern' });
      const site = await makeSite(db, customer.id, { region: 'Tirol' });
      const contract = await makeContract(db, customer.id);
      const asset = await makeAsset(db, { customerId: customer.id, siteId: site.id, contractId: contract.id, warrantyUntil: '2025-01-01' });
      const team = await makeTeam(db, { region: 'Tirol' });
      await db.insert(routingRules).values({ teamId: team.id, position: 1, region: 'Tirol' });

      const r = await submit({ channel: 'phone', actor: agent, serialNumber: asset.serialNumber.toLowerCase(), priority: 'high', contact: { name: 'Eva Huber', phone: '+43 512 123' } });
      expect(r.kind).toBe('created');
      const [row] = await db.select().from(serviceRequests).where(eq(serviceRequests.id, r.kind === 'created' ? r.requestId : ''));
      expect(row).toMatchObject({ customerId: customer.id, assetId: asset.id, contractId: contract.id, warranty: 'under_contract', teamId: team.id, priority: 'high', status: 'new' });
      // Monday 10:00 Berlin + 2 business hours (contract SLA for high) = 12:00 Berlin; resolution 8 h = Tuesday 09:00.
      expect(row!.responseDueAt?.toISOString()).toBe('2037-11-23T11:00:00.000Z');
      expect(row!.resolutionDueAt?.toISOString()).toBe('2037-11-24T08:00:00.000Z');
      const [contact] = await db.select().from(contacts).where(eq(contacts.id, row!.contactId!));
      expect(contact).toMatchObject({ name: 'Eva Huber', phone: '+43512123', customerId: customer.id });
      const due = await db.select().from(timers).where(sql`${timers.key} like ${`sla:%:${row!.id}`}`);
      expect(due.map((d) => d.key).sort()).toEqual([`sla:resolution:${row!.id}`, `sla:response:${row!.id}`]);
    });

    it('rejects an agent intake naming a serial number that the install base does not know', async () => {
      await expect(submit({ channel: 'phone', actor: agent, serialNumber: 'NOPE-123' })).rejects.toMatchObject({ code: 'BAD_REQUEST', details: { fields: { serialNumber: 'not in the install base' } } });
    });

    it('keeps a customer-written unknown serial on the timeline instead of failing', async () => {
      const r = await submit({ channel: 'web', serialNumber: 'TYPO-999', contact: { email: 'kunde@example.de' } });
      expect(r.kind).toBe('created');
      const [entry] = await t.hub.db.select().from(timelineEntries).where(eq(timelineEntries.requestId, r.kind === 'created' ? r.requestId : ''));
      expect(entry!.data).toMatchObject({ unknownSerial: 'TYPO-999' });
    });
  });

  describe('cross-channel duplicates', () => {
    it('attaches an email and a form about a unit with an open request to the newest one', async () => {
      const asset = await makeAsset(t.hub.db);
      // Received now: with the fixed past date the SLA timers would fire during the test and add entries.
      const receivedAt = new Date();
      const first = await submit({ channel: 'phone', actor: agent, assetId: asset.id, subject: 'Anruf: Gerät leckt', receivedAt });
      const mail = await submit({ channel: 'email', assetId: asset.id, subject: 'Re: Gerät leckt', description: 'Immer noch', receivedAt });
      const form = await submit({ channel: 'web', serialNumber: asset.serialNumber, subject: 'Formular', receivedAt });
      expect(first.kind).toBe('created');
      expect(mail).toMatchObject({ kind: 'attached', requestId: first.kind === 'created' ? first.requestId : '', reason: 'open_request_for_asset' });
      expect(form).toMatchObject({ kind: 'attached', requestId: mail.kind === 'attached' ? mail.requestId : '' });
      const open = await t.hub.db.select().from(serviceRequests).where(eq(serviceRequests.assetId, asset.id));
      expect(open).toHaveLength(1);
      const entries = await t.hub.db.select().from(timelineEntries).where(eq(timelineEntries.requestId, open[0]!.id));
      // An inbound mail is an email_in entry (email channel); SLA entries depend on the wall clock, so they are left out.
      expect(entries.map((e) => e.kind).filter((k) => k !== 'sla').sort()).toEqual(['attached', 'created', 'email_in']);
    });

    it('opens a new request for a call unless the agent picks an open one', async () => {
      const asset = await makeAsset(t.hub.db);
      const first = await submit({ channel: 'phone', actor: agent, assetId: asset.id });
      const second = await submit({ channel: 'phone', actor: agent, assetId: asset.id });
      expect(second.kind).toBe('created');
      const chosen = await submit({ channel: 'phone', actor: agent, attachToRequestId: first.kind === 'created' ? first.requestId : '' });
      expect(chosen).toMatchObject({ kind: 'attached', reason: 'agent_choice' });
      const [call] = await t.hub.db.select().from(timelineEntries).where(and(eq(timelineEntries.requestId, chosen.requestId!), eq(timelineEntries.kind, 'call')));
      expect(call).toBeDefined();
    });

    it('does not attach to a closed request', async () => {
      const asset = await makeAsset(t.hub.db);
      const first = await submit({ channel: 'web', assetId: asset.id });
      await t.hub.db.update(serviceRequests).set({ status: 'closed' }).where(eq(serviceRequests.id, first.requestId!));
      const again = await submit({ channel: 'web', assetId: asset.id });
      expect(again.kind).toBe('created');
    });
  });

  describe('redelivery', () => {
    it('changes nothing when the same source message arrives again, even in one batch', async () => {
      const before = await t.hub.db.select({ n: sql<number>`count(*)::int` }).from(serviceRequests);
      const results = await Promise.all([1, 2, 3].map(() => submit({ channel: 'email', sourceKey: '<abc-123@mail.example>', subject: 'Angebot' })));
      const after = await t.hub.db.select({ n: sql<number>`count(*)::int` }).from(serviceRequests);
      expect(after[0]!.n - before[0]!.n).toBe(1);
      expect(results.map((r) => r.kind).sort()).toEqual(['created', 'duplicate', 'duplicate']);
      expect(new Set(results.map((r) => r.requestId)).size).toBe(1);
      const receipts = await t.hub.db.select().from(intakeReceipts).where(eq(intakeReceipts.sourceKey, '<abc-123@mail.example>'));
      expect(receipts).toHaveLength(1);
      expect(receipts[0]!.outcome).toBe('created');
      expect(receipts[0]!.requestId).toBe(results[0]!.requestId);
    });
  });

  describe('a batch', () => {
    it('fails one bad event alone and commits the others', async () => {
      const [cat] = await t.hub.db.insert(requestCategories).values({
        key: `repair-${Date.now()}`, name: 'Repair', fields: [{ key: 'symptom', label: 'Symptom', kind: 'choice', required: true, options: ['leak'] }],
      }).returning();
      const key = `batch-${Date.now()}`;
      const outcomes = await Promise.allSettled([
        submit({ subject: 'good one', categoryId: cat!.id, customFields: { symptom: 'leak' }, sourceKey: `${key}-1` }),
        submit({ subject: 'bad one', categoryId: cat!.id, customFields: { symptom: 'fire' }, sourceKey: `${key}-2` }),
        submit({ subject: 'another good one', sourceKey: `${key}-3` }),
      ]);
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'BAD_REQUEST', details: { fields: { 'customFields.symptom': expect.stringContaining('expected one of') } } });
      const rows = await t.hub.db.select({ subject: serviceRequests.subject }).from(serviceRequests).where(sql`${serviceRequests.subject} in ('good one', 'bad one', 'another good one')`);
      expect(rows.map((r) => r.subject).sort()).toEqual(['another good one', 'good one']);
      // the receipts of the committed events carry their outcome; the failed event left none
      const receipts = await t.hub.db.select().from(intakeReceipts).where(sql`${intakeReceipts.sourceKey} like ${`${key}-%`}`);
      expect(receipts.map((r) => [r.sourceKey, r.outcome, r.requestId]).sort()).toEqual([
        [`${key}-1`, 'created', (outcomes[0] as PromiseFulfilledResult<{ requestId: string }>).value.requestId],
        [`${key}-3`, 'created', (outcomes[2] as PromiseFulfilledResult<{ requestId: string }>).value.requestId],
      ]);
    });

    it('gives two events of one new sender one contact, and finds a known sender whatever the case', async () => {
      const stamp = Date.now();
      const [known] = await t.hub.db.insert(contacts).values({ name: 'Known', email: `Known.${stamp}@Example.de` }).returning();
      const fresh = `neu.${stamp}@example.de`;
      // submitted together: one batch, one read of the senders
      const rs = await Promise.all([
        submit({ channel: 'web', subject: 'eins', contact: { email: fresh } }),
        submit({ channel: 'web', subject: 'zwei', contact: { email: fresh.toUpperCase() } }),
        submit({ channel: 'web', subject: 'drei', contact: { email: `known.${stamp}@example.DE` } }),
      ]);
      const rows = await t.hub.db.select({ subject: serviceRequests.subject, contactId: serviceRequests.contactId }).from(serviceRequests)
        .where(sql`${serviceRequests.id} in (${sql.join(rs.map((r) => sql`${r.requestId}::uuid`), sql`, `)})`);
      const contactOf = new Map(rows.map((r) => [r.subject, r.contactId]));
      const created = await t.hub.db.select().from(contacts).where(sql`lower(${contacts.email}) = ${fresh}`);
      expect(created).toHaveLength(1);
      expect(contactOf.get('eins')).toBe(created[0]!.id);
      expect(contactOf.get('zwei')).toBe(created[0]!.id);
      expect(contactOf.get('drei')).toBe(known!.id);
    });

    it('makes the contacts a batch creates searchable, on the fast path and when an event fails', async () => {
      const stamp = Date.now();
      const docsOf = (ids: string[]) => t.hub.db.select({ id: searchDocuments.entityId }).from(searchDocuments)
        .where(and(eq(searchDocuments.kind, 'contact'), sql`${searchDocuments.entityId} in (${sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `)})`));
      const fast = await Promise.all([1, 2].map((i) => submit({ channel: 'web', subject: `neu ${i}`, contact: { email: `such.${i}.${stamp}@example.de`, name: `Suchbar ${i}` } })));
      // The first goes alone (nothing was in flight); the others wait for it and share the next
      // batch, whose failed event sends it down the careful path (a savepoint per event).
      const careful = await Promise.allSettled([
        ...[3, 4, 5].map((i) => submit({ channel: 'web', subject: 'gut', contact: { email: `such.${i}.${stamp}@example.de` } })),
        submit({ channel: 'web', subject: 'schlecht', categoryId: '00000000-0000-4000-8000-00000000dead', contact: { email: `such.6.${stamp}@example.de` } }),
      ]);
      expect(careful.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
      const made = await t.hub.db.select({ id: contacts.id, email: contacts.email }).from(contacts).where(sql`${contacts.email} like ${`such.%.${stamp}@example.de`}`);
      // the failed event's contact was rolled back with it
      expect(made.map((c) => c.email).sort()).toEqual([1, 2, 3, 4, 5].map((i) => `such.${i}.${stamp}@example.de`));
      expect((await docsOf(made.map((c) => c.id))).map((d) => d.id).sort()).toEqual(made.map((c) => c.id).sort());
      expect(fast.every((r) => r.kind === 'created')).toBe(true);
    });

    // Submitted together, the first goes alone and the rest share the next batch: its new
    // requests are written together at the end, so what reads them must see them first.
    it('lets a later event of the batch join or repeat a request an earlier one opened', async () => {
      const asset = await makeAsset(t.hub.db);
      const key = `joined-${Date.now()}`;
      const [, first, second, again] = await Promise.all([
        submit({ channel: 'web', subject: 'leader' }),
        submit({ channel: 'web', subject: 'Formular 1', serialNumber: asset.serialNumber, sourceKey: key, contact: { email: `eins.${key}@example.de` } }),
        submit({ channel: 'web', subject: 'Formular 2', serialNumber: asset.serialNumber, contact: { email: `zwei.${key}@example.de` } }),
        submit({ channel: 'web', subject: 'Formular 1', serialNumber: asset.serialNumber, sourceKey: key, contact: { email: `eins.${key}@example.de` } }),
      ]);
      expect(first).toMatchObject({ kind: 'created', number: expect.stringMatching(/^SR-\d+$/) });
      expect(second).toMatchObject({ kind: 'attached', requestId: first!.requestId, number: first!.number });
      expect(again).toEqual({ kind: 'duplicate', requestId: first!.requestId, number: first!.number });
      const open = await t.hub.db.select({ id: serviceRequests.id }).from(serviceRequests).where(eq(serviceRequests.assetId, asset.id));
      expect(open).toHaveLength(1);
    });

    it('logs the events of a batch in the order of its events, deferred requests included', async () => {
      const asset = await makeAsset(t.hub.db);
      const existing = await submit({ channel: 'phone', actor: agent, assetId: asset.id, subject: 'bestehend' });
      const from = published.length;
      const [, a, b, c] = await Promise.all([
        submit({ subject: 'leader' }),
        submit({ channel: 'web', subject: 'A' }),
        submit({ channel: 'web', subject: 'B', assetId: asset.id }),
        submit({ channel: 'web', subject: 'C' }),
      ]);
      expect([a!.kind, b!.kind, c!.kind]).toEqual(['created', 'attached', 'created']);
      expect(b!.requestId).toBe(existing.requestId);
      const ids = new Set([a!.requestId, b!.requestId, c!.requestId]);
      const about = (e: LoggedEvent) => (e.type === 'request.created' ? e.data.id : e.type === 'request.timeline_added' ? e.data.requestId
        : e.type === 'request.duplicate_attached' ? e.data.request.id : null);
      const mine = published.slice(from).filter((e) => ids.has(about(e) ?? ''));
      expect(mine.map((e) => [e.type, about(e)])).toEqual([
        ['request.created', a!.requestId], ['request.timeline_added', a!.requestId],
        ['request.duplicate_attached', b!.requestId], ['request.timeline_added', b!.requestId],
        ['request.created', c!.requestId], ['request.timeline_added', c!.requestId],
      ]);
      expect(mine.map((e) => e.seq)).toEqual([...mine.map((e) => e.seq)].sort((x, y) => x - y));
      // each new request has its SLA timers
      const set = await t.hub.db.select({ key: timers.key }).from(timers).where(sql`${timers.key} like ${`%${c!.requestId}%`}`);
      expect(set).toHaveLength(2);
    });

    it('redoes the batch event by event when writing its new requests together fails', async () => {
      const stamp = Date.now();
      // stands in for any one request the database refuses when the batch's requests are written
      await t.hub.db.execute(sql.raw(`create or replace function refuse_kaputt() returns trigger language plpgsql as $$
        begin if new.subject = 'kaputt ${stamp}' then raise exception 'refused: %', new.subject; end if; return new; end $$`));
      await t.hub.db.execute(sql.raw('create or replace trigger refuse_kaputt before insert on service_requests for each row execute function refuse_kaputt()'));
      try {
        const outcomes = await Promise.allSettled([
          submit({ subject: 'leader' }),
          submit({ channel: 'web', subject: `heil 1 ${stamp}`, contact: { email: `heil1.${stamp}@example.de` } }),
          submit({ channel: 'web', subject: `kaputt ${stamp}`, contact: { email: `kaputt.${stamp}@example.de` } }),
          submit({ channel: 'web', subject: `heil 2 ${stamp}`, contact: { email: `heil2.${stamp}@example.de` } }),
        ]);
        expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
        expect((outcomes[2] as PromiseRejectedResult).reason).toMatchObject({ cause: expect.objectContaining({ message: expect.stringContaining('refused') }) });
        const rows = await t.hub.db.select({ subject: serviceRequests.subject, contactId: serviceRequests.contactId }).from(serviceRequests)
          .where(sql`${serviceRequests.subject} like ${`% ${stamp}`}`);
        expect(rows.map((r) => r.subject).sort()).toEqual([`heil 1 ${stamp}`, `heil 2 ${stamp}`]);
        expect(rows.every((r) => r.contactId)).toBe(true);
        // the refused event's contact went with it
        const made = await t.hub.db.select({ email: contacts.email }).from(contacts).where(sql`${contacts.email} like ${`%.${stamp}@example.de`}`);
        expect(made.map((m) => m.email).sort()).toEqual([`heil1.${stamp}@example.de`, `heil2.${stamp}@example.de`]);
      } finally {
        await t.hub.db.execute(sql.raw('drop trigger refuse_kaputt on service_requests'));
      }
    });

    it('publishes numbered events only after commit, in order, matching the log', async () => {
      const from = published.length;
      const r = await submit({ subject: 'Ereignis' });
      const mine = published.slice(from).filter((e) => (e.type === 'request.created' ? e.data.id : e.type === 'request.timeline_added' ? e.data.requestId : null) === r.requestId);
      expect(mine.map((e) => e.type)).toEqual(['request.created', 'request.timeline_added']);
      expect(mine[1]!.seq).toBe(mine[0]!.seq + 1);
      const logged = await t.hub.db.select().from(domainEvents).where(sql`${domainEvents.seq} in (${mine[0]!.seq}, ${mine[1]!.seq})`);
      expect(logged.map((l) => l.type).sort()).toEqual(['request.created', 'request.timeline_added']);
      expect(mine[0]!.rooms).toContain(`request:${r.requestId}`);
    });
  });
});
