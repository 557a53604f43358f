/**
 * Community resources: what a district knows can help with each barrier (a transit pass, a
 * clinic, a food pantry). Staff keep the list; a family who asks for help sees the resources
 * for that barrier at once, in their language when the district translated them.
 */
import { type Kysely, sql } from 'kysely';
import type { DB } from '../platform/db/types.ts';
import { AppError } from '../platform/errors.ts';
import type { StaffPrincipal } from '../staff/staff-principal.ts';
import { FAMILY_BARRIERS } from './family-actions.service.ts';

export interface CommunityResource {
  readonly resourceId: string;
  readonly name: string;
  readonly description: string;
  readonly phone: string | null;
  readonly url: string | null;
  readonly address: string | null;
  readonly barriers: readonly string[];
  readonly active: boolean;
}

export interface NewResource {
  readonly name: string;
  readonly description: string;
  readonly phone?: string | undefined;
  readonly url?: string | undefined;
  readonly address?: string | undefined;
  readonly barriers: readonly string[];
  readonly translations?: Record<string, { name?: string; description: string }> | undefined;
}

interface ResourceRow {
  resource_id: string;
  name: string;
  description: string;
  phone: string | null;
  url: string | null;
  address: string | null;
  barriers: string[];
  active: boolean;
  translations: Record<string, { name?: string; description?: string }>;
}

function toResource(row: ResourceRow, language = 'en'): CommunityResource {
  const own = row.translations[language];
  return {
    resourceId: row.resource_id,
    name: own?.name ?? row.name,
    description: own?.description ?? row.description,
    phone: row.phone,
    url: row.url,
    address: row.address,
    barriers: row.barriers,
    active: row.active,
  };
}

/** Adds a resource; INVALID_INPUT names a barrier that is not one of the portal's. */
export async function addResource(db: Kysely<DB>, principal: StaffPrincipal, resource: NewResource) {
  const unknown = resource.barriers.filter((barrier) => !(barrier in FAMILY_BARRIERS));
  if (unknown.length > 0 || resource.barriers.length === 0) {
    throw new AppError('INVALID_INPUT', {
      message: `Barriers must be some of ${Object.keys(FAMILY_BARRIERS).join(', ')}${unknown.length > 0 ? `: ${unknown.join(', ')} is not one` : ''}.`,
      details: { fields: [{ field: 'body.barriers', message: 'lists an unknown barrier' }] },
    });
  }
  const { rows } = await sql<ResourceRow>`
    INSERT INTO community_resources (district_id, name, description, phone, url, address, barriers, translations, updated_by)
    VALUES (${principal.districtId}, ${resource.name.trim()}, ${resource.description.trim()}, ${resource.phone ?? null},
      ${resource.url ?? null}, ${resource.address ?? null}, ${sql`ARRAY[${sql.join([...new Set(resource.barriers)])}]::text[]`},
      ${JSON.stringify(resource.translations ?? {})}, ${principal.userId})
    RETURNING resource_id, name, description, phone, url, address, barriers, active, translations`.execute(
    db,
  );
  return toResource(rows[0] as ResourceRow);
}

/** Stops showing a resource to families (kept for the record). */
export async function retireResource(
  db: Kysely<DB>,
  principal: StaffPrincipal,
  resourceId: string,
): Promise<void> {
  const result =
    await sql`UPDATE community_resources SET active = false, updated_by = ${principal.userId}, updated_at = now()
    WHERE district_id = ${principal.districtId} AND resource_id = ${resourceId}`.execute(db);
  if (Number(result.numAffectedRows ?? 0) === 0)
    throw new AppError('NOT_FOUND', { message: 'No such resource.' });
}

/** Every resource of the district, for staff. */
export async function listResources(db: Kysely<DB>, districtId: string): Promise<CommunityResource[]> {
  const { rows } = await sql<ResourceRow>`
    SELECT resource_id, name, description, phone, url, address, barriers, active, translations FROM community_resources
    WHERE district_id = ${districtId} ORDER BY active DESC, name`.execute(db);
  return rows.map((row) => toResource(row));
}

/** The active resources for a barrier, in the family's language where translated. */
export async function resourcesFor(
  db: Kysely<DB>,
  districtId: string,
  barrier: string,
  language: string,
): Promise<CommunityResource[]> {
  const { rows } = await sql<ResourceRow>`
    SELECT resource_id, name, description, phone, url, address, barriers, active, translations FROM community_resources
    WHERE district_id = ${districtId} AND active AND ${barrier} = ANY (barriers) ORDER BY name`.execute(db);
  return rows.map((row) => toResource(row, language));
}
