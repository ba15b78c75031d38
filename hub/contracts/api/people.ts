import { z } from '@hono/zod-openapi';
import { Role } from '../model.js';

// Sign-in does not judge the address's form (admin@localhost has no TLD): the look-up decides.
export const LoginBody = z.object({ email: z.string().trim().min(1).max(320), password: z.string().min(1).max(200) }).openapi('Login');
export const LoginResult = z.object({ token: z.string(), expiresAt: z.string() }).openapi('LoginResult');

export const UserCreate = z.object({
  email: z.email(), name: z.string().trim().min(1).max(200), role: Role,
  password: z.string().min(12, 'at least 12 characters').max(200).optional(),
  phone: z.string().trim().max(40).nullish(), skills: z.array(z.string().trim().min(1).max(60)).max(50).default([]),
  region: z.string().trim().max(100).nullish(), customerId: z.uuid().nullish(), teamIds: z.array(z.uuid()).max(50).default([]),
}).refine((u) => u.role !== 'customer' || !!u.customerId, { message: 'a customer user needs customerId', path: ['customerId'] })
  .openapi('UserCreate');
export const UserUpdate = z.object({
  name: z.string().trim().min(1).max(200), role: Role, password: z.string().min(12, 'at least 12 characters').max(200),
  phone: z.string().trim().max(40).nullable(), skills: z.array(z.string().trim().min(1).max(60)).max(50),
  region: z.string().trim().max(100).nullable(), customerId: z.uuid().nullable(), isActive: z.boolean(),
  teamIds: z.array(z.uuid()).max(50), version: z.number().int().positive(),
}).partial().openapi('UserUpdate');
export const UserView = z.object({
  id: z.uuid(), email: z.string(), name: z.string(), role: Role, isActive: z.boolean(), phone: z.string().nullable(),
  skills: z.array(z.string()), region: z.string().nullable(), customerId: z.uuid().nullable(), teamIds: z.array(z.uuid()),
  lastLoginAt: z.string().nullable(), version: z.number().int(), createdAt: z.string(), updatedAt: z.string(),
}).openapi('User');

/** What every staff member may know of a colleague: enough to put a name to an id on screen. */
export const ColleagueView = z.object({ id: z.uuid(), name: z.string(), role: Role, isActive: z.boolean() }).openapi('Colleague');

export const ApiKeyCreate = z.object({
  name: z.string().trim().min(1).max(100), role: Role.exclude(['customer']), expiresAt: z.iso.datetime().optional(),
}).openapi('ApiKeyCreate');
export const ApiKeyView = z.object({
  id: z.uuid(), name: z.string(), prefix: z.string(), role: Role, createdBy: z.uuid().nullable(), lastUsedAt: z.string().nullable(),
  expiresAt: z.string().nullable(), revokedAt: z.string().nullable(), createdAt: z.string(),
}).openapi('ApiKey');
export const ApiKeyCreated = ApiKeyView.extend({ token: z.string().describe('shown once') }).openapi('ApiKeyCreated');

export const DeviceCreate = z.object({ assetId: z.uuid(), name: z.string().trim().min(1).max(100).optional() }).openapi('DeviceCreate');
export const DeviceView = z.object({
  id: z.uuid(), assetId: z.uuid(), name: z.string().nullable(), isOnline: z.boolean(), lastSeenAt: z.string().nullable(),
  rotatedAt: z.string().nullable(), revokedAt: z.string().nullable(), createdAt: z.string(),
}).openapi('Device');
export const DeviceCredentials = z.object({
  deviceId: z.uuid(), token: z.string().describe('the MQTT password; shown once'),
}).openapi('DeviceCredentials');
