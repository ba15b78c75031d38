import { eq } from 'drizzle-orm';
import type { Db, DbOrTx, Tx } from '../../db/client.js';
import {
  assets, contacts, contracts, customers, faultCodes, orderRules, productModels, requestCategories, routingRules, sites, teams,
} from '../../db/schema/index.js';
import * as api from '../contracts/api/install-base.js';
import { normalizePhone } from '../identify/identify.js';
import { BadRequest } from '../platform/errors.js';
import { indexEntities } from '../search/indexer.js';
import { crudRoutes } from './crud.js';

/** Every provisioned resource of DESIGN.md that is plain records (users, devices and keys have their own routes). */
export function provisioningRoutes(db: Db) {
  return [
    crudRoutes(db, {
      entity: 'customer', path: '/customers', table: customers, create: api.CustomerCreate, update: api.CustomerUpdate,
      view: api.CustomerView, read: 'install-base.read', write: 'install-base.write',
      search: [customers.name, customers.email, customers.externalRef], filters: { country: customers.country, region: customers.region },
      afterWrite: indexCustomer,
    }),
    crudRoutes(db, {
      entity: 'contact', path: '/contacts', table: contacts, create: api.ContactCreate, update: api.ContactUpdate,
      view: api.ContactView, read: 'install-base.read', write: 'install-base.write',
      search: [contacts.name, contacts.email, contacts.phone], filters: { customerId: contacts.customerId },
      prepare: async (_db, v) => (typeof v.phone === 'string' ? { ...v, phone: normalizePhone(v.phone) } : v),
      afterWrite: (tx, id) => indexEntities(tx, 'contact', [id]),
    }),
    crudRoutes(db, {
      entity: 'site', path: '/sites', table: sites, create: api.SiteCreate, update: api.SiteUpdate,
      view: api.SiteView, read: 'install-base.read', write: 'install-base.write',
      search: [sites.name, sites.city, sites.address], filters: { customerId: sites.customerId, region: sites.region },
    }),
    crudRoutes(db, {
      entity: 'product model', path: '/product-models', table: productModels, create: api.ProductModelCreate,
      update: api.ProductModelUpdate, view: api.ProductModelView, read: 'install-base.read', write: 'catalog.write',
      search: [productModels.code, productModels.name], filters: { productLine: productModels.productLine },
      afterWrite: indexModelAssets,
    }),
    crudRoutes(db, {
      entity: 'contract', path: '/contracts', table: contracts, create: api.ContractCreate, update: api.ContractUpdate,
      view: api.ContractView, read: 'install-base.read', write: 'install-base.write',
      search: [contracts.number, contracts.name], filters: { customerId: contracts.customerId },
      prepare: async (tx, v, existing) => {
        const from = (v.validFrom ?? existing?.validFrom) as string | undefined;
        const until = (v.validUntil ?? existing?.validUntil) as string | undefined;
        if (from && until && from > until) throw new BadRequest('validUntil is before validFrom', { validUntil: 'before validFrom' });
        return v;
      },
    }),
    crudRoutes(db, {
      entity: 'asset', path: '/assets', table: assets, create: api.AssetCreate, update: api.AssetUpdate,
      view: api.AssetView, read: 'install-base.read', write: 'install-base.write',
      search: [assets.serialNumber],
      filters: { customerId: assets.customerId, siteId: assets.siteId, modelId: assets.modelId, contractId: assets.contractId },
      prepare: checkAssetRefs,
      afterWrite: (tx, id) => indexEntities(tx, 'asset', [id]),
    }),
    crudRoutes(db, {
      entity: 'fault code', path: '/fault-codes', table: faultCodes, create: api.FaultCodeCreate, update: api.FaultCodeUpdate,
      view: api.FaultCodeView, read: 'fault-codes.read', write: 'catalog.write',
      search: [faultCodes.code, faultCodes.description], filters: { defaultSeverity: faultCodes.defaultSeverity },
    }),
    crudRoutes(db, {
      entity: 'request category', path: '/categories', table: requestCategories, create: api.CategoryCreate, update: api.CategoryUpdate,
      view: api.CategoryView, read: 'requests.read', write: 'catalog.write', search: [requestCategories.name, requestCategories.key],
      // CategoryCreate refines this; the update schema cannot (crud extends it with `version`, which zod 4 refuses after a refine).
      prepare: async (_tx, v) => {
        const keys = Array.isArray(v.fields) ? (v.fields as Array<{ key: string }>).map((f) => f.key) : [];
        if (new Set(keys).size !== keys.length) throw new BadRequest('field keys must be unique', { fields: 'field keys must be unique' });
        return v;
      },
    }),
    crudRoutes(db, {
      entity: 'order rule', path: '/order-rules', table: orderRules, create: api.OrderRuleCreate, update: api.OrderRuleUpdate,
      view: api.OrderRuleView, read: 'install-base.read', write: 'catalog.write', search: [orderRules.name, orderRules.faultCode],
    }),
    crudRoutes(db, {
      entity: 'team', path: '/teams', table: teams, create: api.TeamCreate, update: api.TeamUpdate,
      view: api.TeamView, read: 'install-base.read', write: 'teams.write', search: [teams.name], filters: { region: teams.region },
      prepare: async (tx, v, existing) => {
        // One default team at most: making this one the default takes the flag from the other.
        if (v.isDefault === true) await tx.update(teams).set({ isDefault: false }).where(eq(teams.isDefault, true));
        void existing;
        return v;
      },
    }),
    crudRoutes(db, {
      entity: 'routing rule', path: '/routing-rules', table: routingRules, create: api.RoutingRuleCreate,
      update: api.RoutingRuleUpdate, view: api.RoutingRuleView, read: 'install-base.read', write: 'teams.write',
      filters: { teamId: routingRules.teamId },
    }),
  ];
}

/** An asset's site and contract must belong to the asset's customer (a clear 400, not a silent mix-up). */
async function checkAssetRefs(tx: DbOrTx, v: Record<string, unknown>, existing: Record<string, unknown> | null) {
  const customerId = (v.customerId ?? existing?.customerId) as string;
  // The site and contract the asset will have: a PATCH that moves it to another customer must not keep the old one's.
  const siteId = (v.siteId !== undefined ? v.siteId : existing?.siteId) as string | null | undefined;
  const contractId = (v.contractId !== undefined ? v.contractId : existing?.contractId) as string | null | undefined;
  if (siteId) {
    const [s] = await tx.select({ customerId: sites.customerId }).from(sites).where(eq(sites.id, siteId));
    if (!s) throw new BadRequest('unknown site', { siteId: 'no such site' });
    if (s.customerId !== customerId) throw new BadRequest('the site belongs to another customer', { siteId: 'belongs to another customer' });
  }
  if (contractId) {
    const [k] = await tx.select({ customerId: contracts.customerId }).from(contracts).where(eq(contracts.id, contractId));
    if (!k) throw new BadRequest('unknown contract', { contractId: 'no such contract' });
    if (k.customerId !== customerId) throw new BadRequest('the contract belongs to another customer', { contractId: 'belongs to another customer' });
  }
  return v;
}

/** A customer's name is in its contacts' and assets' documents too. */
async function indexCustomer(tx: Tx, id: string) {
  await indexEntities(tx, 'customer', [id]);
  await indexEntities(tx, 'contact', (await tx.select({ id: contacts.id }).from(contacts).where(eq(contacts.customerId, id))).map((r) => r.id));
  await indexEntities(tx, 'asset', (await tx.select({ id: assets.id }).from(assets).where(eq(assets.customerId, id))).map((r) => r.id));
}

/** A model's name is in its assets' documents (a rename is rare; a catalogue has few models). */
async function indexModelAssets(tx: Tx, id: string) {
  await indexEntities(tx, 'asset', (await tx.select({ id: assets.id }).from(assets).where(eq(assets.modelId, id))).map((r) => r.id));
}
