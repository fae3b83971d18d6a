import { domainToASCII } from 'node:url';
import { z } from 'zod';
import { STAGES } from '../core/approval-state.js';

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be lower-case letters, digits, "-" or "_"');

export const addressSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: 'must be an email address' }));

/** Domains are stored in their ASCII (punycode) form and lower case, as they appear on the wire. */
export const domainSchema = z
  .string()
  .trim()
  .transform((d) => domainToASCII(d.toLowerCase()))
  .pipe(z.string().regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/, 'must be a domain name'));

/**
 * Identifiers are secrets, masked in every output by exact match. At least 4 characters so masking
 * never hits ordinary words; only letters, digits and `-_.:/`, none of which JSON.stringify, CSV
 * (RFC 4180) or YAML escape, so an identifier is spelled the same in every output form and masked
 * there (the scrubber also knows the `\/` some other JSON encoders write).
 */
export const SAFE_ENVIRONMENT_ID = /^[A-Za-z0-9._:/-]{4,200}$/;
const environmentId = z
  .string()
  .regex(SAFE_ENVIRONMENT_ID, 'must be 4 to 200 characters, only letters, digits and - _ . : / (so it can be masked in every output)');

export const clientSchema = z.object({
  id,
  name: z.string().trim().min(1),
  domains: z.array(domainSchema).min(1, 'must list at least one domain'),
  approvers: z.array(addressSchema).default([]),
  testEnvironmentIds: z.array(environmentId).min(1, 'must list at least one Test environment identifier'),
  productionEnvironmentIds: z.array(environmentId).min(1, 'must list at least one Production environment identifier'),
}).strict();

export const partnerSchema = z.object({
  id,
  name: z.string().trim().min(1),
  contact: addressSchema,
  publicKey: z.string().trim().min(1),
}).strict();

export const readinessSchema = z.object({
  portalApproved: z.boolean().optional(),
  termsSigned: z.boolean().optional(),
  sandboxDone: z.boolean().optional(),
  preBetaDone: z.boolean().optional(),
}).strict();

export const appSchema = z.object({
  id,
  name: z.string().trim().min(1),
  aliases: z.array(z.string().trim().min(1)).default([]),
  partner: id,
  readiness: readinessSchema.default({}),
}).strict();

export const integrationSchema = z.object({
  app: id,
  client: id,
  stage: z.enum(STAGES, { message: `must be one of ${STAGES.join(', ')}` }).default('pending'),
}).strict();

/** The file's sections in the order they are checked and imported. */
export const REGISTRY_FILE_SECTIONS = ['staff', 'clients', 'partners', 'apps', 'integrations'] as const;
export type RegistryFileSection = (typeof REGISTRY_FILE_SECTIONS)[number];

/** Each section's entry schema: the loader checks entry by entry, so one bad entry hides no other problem. */
export const ENTRY_SCHEMAS = {
  staff: addressSchema,
  clients: clientSchema,
  partners: partnerSchema,
  apps: appSchema,
  integrations: integrationSchema,
} as const;

export const registrySchema = z.object({
  staff: z.array(addressSchema).default([]),
  clients: z.array(clientSchema).default([]),
  partners: z.array(partnerSchema).default([]),
  apps: z.array(appSchema).default([]),
  integrations: z.array(integrationSchema).default([]),
}).strict();

export type RegistryFile = z.infer<typeof registrySchema>;
export type ClientEntry = z.infer<typeof clientSchema>;
export type PartnerEntry = z.infer<typeof partnerSchema>;
export type AppEntry = z.infer<typeof appSchema>;
export type IntegrationEntry = z.infer<typeof integrationSchema>;
