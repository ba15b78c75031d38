// Test data for provisioning.int.test.ts: one row per provisioned resource, and bad references.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Role } from '../contracts/model.js';
import type { TestHub } from '../../test/support/test-hub.js';
import { SLA, WEEKDAYS_BERLIN, makeContract, makeCustomer, makeModel, makeSite, makeTeam } from '../../test/support/factories.js';

export type Body = Record<string, any>;
export type Db = TestHub['hub']['db'];
export const tag = () => randomBytes(4).toString('hex');

export interface ResourceCase {
  path: string;
  /** the audit log's entity name */
  entity: string;
  /** a valid body; sets non-default values, so a PATCH that resets a default shows */
  create: (db: Db) => Promise<Body>;
  patch: Body;
  /** breaks one field of a valid body; details.fields must name exactly that field */
  invalid: { field: string; set: (valid: Body) => Body };
  /** may read, may not write */
  nonWriter: Role;
  /** may not even read (null: every role may) */
  nonReader: Role | null;
  /** a body clashing with an existing one on a unique key, and the constraint to name */
  unique?: { constraint: string; clash: (existing: Body, fresh: Body) => Body; q: (existing: Body) => string };
}

export const cases: ResourceCase[] = [
  {
    path: '/api/customers', entity: 'customer', nonWriter: 'agent', nonReader: 'customer',
    create: async () => ({ name: `Győri Hűtőház ${tag()} Kft.`, country: 'HU', region: 'Győr', email: `info.${tag()}@hutohaz.hu`, phone: '+36 96 123 456', externalRef: `C-${tag()}`, notes: 'Kühlhaus' }),
    patch: { region: 'Pest' },
    invalid: { field: 'country', set: (b) => ({ ...b, country: 'Hungary' }) },
    unique: { constraint: 'customers_external_ref_key', clash: (e, f) => ({ ...f, externalRef: e.externalRef }), q: (e) => e.externalRef },
  },
  {
    path: '/api/contacts', entity: 'contact', nonWriter: 'agent', nonReader: 'customer',
    create: async (db) => ({ customerId: (await makeCustomer(db)).id, name: 'Zofia Wójcik', email: `zofia.${tag()}@example.pl`, phone: '+48 22 100 20 30', language: 'pl' }),
    patch: { name: 'Zofia Wójcik-Nowak' },
    invalid: { field: 'email', set: (b) => ({ ...b, email: 'zofia' }) },
    unique: { constraint: 'contacts_email_key', clash: (e, f) => ({ ...f, email: e.email.toUpperCase() }), q: (e) => e.email },
  },
  {
    path: '/api/sites', entity: 'site', nonWriter: 'agent', nonReader: 'customer',
    create: async (db) => ({ customerId: (await makeCustomer(db)).id, name: `Werk Süd ${tag()}`, address: 'Industriestraße 5', city: 'Graz', postalCode: '8020', country: 'AT', region: 'Steiermark', latitude: 47.07, longitude: 15.44 }),
    patch: { city: 'Linz' },
    invalid: { field: 'latitude', set: (b) => ({ ...b, latitude: 123 }) },
  },
  {
    path: '/api/product-models', entity: 'product model', nonWriter: 'agent', nonReader: 'customer',
    create: async () => ({ code: `KR-${tag()}`, name: 'Kühlregal 3 m', productLine: 'refrigeration', manufacturer: 'Frigo', warrantyMonths: 36 }),
    patch: { name: 'Kühlregal 3,75 m' },
    invalid: { field: 'warrantyMonths', set: (b) => ({ ...b, warrantyMonths: -1 }) },
    unique: { constraint: 'product_models_code_key', clash: (e, f) => ({ ...f, code: e.code }), q: (e) => e.code },
  },
  {
    path: '/api/contracts', entity: 'contract', nonWriter: 'agent', nonReader: 'customer',
    create: async (db) => ({ number: `K-${tag()}`, customerId: (await makeCustomer(db)).id, name: 'Vollwartung', coverage: 'parts_and_labour', validFrom: '2026-01-01', validUntil: '2027-12-31', sla: SLA }),
    patch: { coverage: 'parts_only' },
    invalid: { field: 'coverage', set: (b) => ({ ...b, coverage: 'everything' }) },
    unique: { constraint: 'contracts_number_key', clash: (e, f) => ({ ...f, number: e.number }), q: (e) => e.number },
  },
  {
    path: '/api/assets', entity: 'asset', nonWriter: 'agent', nonReader: 'customer',
    create: async (db) => {
      const customer = await makeCustomer(db);
      return {
        serialNumber: `SN-${tag()}`, modelId: (await makeModel(db)).id, customerId: customer.id, siteId: (await makeSite(db, customer.id)).id,
        contractId: (await makeContract(db, customer.id)).id, installedAt: '2025-05-01', warrantyUntil: '2027-05-01', isRetired: true,
      };
    },
    patch: { warrantyUntil: '2028-05-01' },
    invalid: { field: 'installedAt', set: (b) => ({ ...b, installedAt: '2025-02-30' }) },
    unique: { constraint: 'assets_serial_number_key', clash: (e, f) => ({ ...f, serialNumber: e.serialNumber.toLowerCase() }), q: (e) => e.serialNumber },
  },
  {
    path: '/api/fault-codes', entity: 'fault code', nonWriter: 'agent', nonReader: 'customer',
    create: async () => ({ code: `E${tag()}`, description: 'Compressor overcurrent', defaultSeverity: 'critical', requiredSkill: 'refrigeration', component: 'compressor' }),
    patch: { defaultSeverity: 'major' },
    invalid: { field: 'defaultSeverity', set: (b) => ({ ...b, defaultSeverity: 'apocalyptic' }) },
    unique: { constraint: 'fault_codes_code_key', clash: (e, f) => ({ ...f, code: e.code }), q: (e) => e.code },
  },
  {
    path: '/api/categories', entity: 'request category', nonWriter: 'agent', nonReader: null,
    create: async () => ({ key: `repair-${tag()}`, name: 'Repair', defaultType: 'complaint', isActive: false, fields: [{ key: 'symptom', label: 'Symptom', kind: 'choice', required: true, options: ['leak', 'noise'] }] }),
    patch: { name: 'Reparatur' },
    invalid: { field: 'fields.0.options', set: (b) => ({ ...b, fields: [{ key: 'symptom', label: 'Symptom', kind: 'choice' }] }) },
    unique: { constraint: 'request_categories_key_key', clash: (e, f) => ({ ...f, key: e.key }), q: (e) => e.key },
  },
  {
    path: '/api/order-rules', entity: 'order rule', nonWriter: 'agent', nonReader: 'customer',
    create: async () => ({ name: `Compressor ${tag()}`, faultCode: 'E1', isPrefix: true, minSeverity: 'major', minOccurrences: 3, windowMinutes: 60, orderKind: 'preventive', priority: 'high', isActive: false }),
    patch: { windowMinutes: 120 },
    invalid: { field: 'minOccurrences', set: (b) => ({ ...b, minOccurrences: 0 }) },
  },
  {
    path: '/api/teams', entity: 'team', nonWriter: 'supervisor', nonReader: 'customer',
    create: async () => ({ name: `Serwis ${tag()}`, region: 'PL', calendar: { ...WEEKDAYS_BERLIN, timeZone: 'Europe/Warsaw' }, isDefault: true }),
    patch: { region: 'HU' },
    invalid: { field: 'calendar.timeZone', set: (b) => ({ ...b, calendar: { ...b.calendar, timeZone: 'Mars/Olympus' } }) },
    unique: { constraint: 'teams_name_key', clash: (e, f) => ({ ...f, name: e.name, isDefault: false }), q: (e) => e.name },
  },
  {
    path: '/api/routing-rules', entity: 'routing rule', nonWriter: 'supervisor', nonReader: 'customer',
    create: async (db) => ({ teamId: (await makeTeam(db)).id, position: 5, channel: 'email', type: 'alarm', faultCodePrefix: 'E1', region: 'PL' }),
    patch: { region: 'HU' },
    invalid: { field: 'channel', set: (b) => ({ ...b, channel: 'fax' }) },
  },
];

/** A valid body whose reference names a row that does not exist, and the field that must be named. */
export const badReferences: Array<[string, string, (db: Db) => Promise<Body>]> = [
  ['/api/assets', 'modelId', async (db) => ({ serialNumber: `SN-${tag()}`, modelId: randomUUID(), customerId: (await makeCustomer(db)).id })],
  ['/api/assets', 'customerId', async (db) => ({ serialNumber: `SN-${tag()}`, modelId: (await makeModel(db)).id, customerId: randomUUID() })],
  ['/api/sites', 'customerId', async () => ({ customerId: randomUUID(), name: 'Werk', address: 'Hauptstraße 1', city: 'Wien', country: 'AT' })],
  ['/api/contacts', 'customerId', async () => ({ customerId: randomUUID(), name: 'Jan Nowak' })],
  ['/api/contracts', 'customerId', async () => ({ number: `K-${tag()}`, customerId: randomUUID(), name: 'x', coverage: 'parts_only', validFrom: '2026-01-01', validUntil: '2026-12-31', sla: SLA })],
  ['/api/routing-rules', 'teamId', async () => ({ teamId: randomUUID(), region: 'PL' })],
];
