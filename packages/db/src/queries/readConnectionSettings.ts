import type { Sql } from "../client.ts";

export interface ConnectionSettings {
  readonly maxConnections: number;
  readonly superuserReserved: number;
  /** `reserved_connections` (Postgres 16+); 0 where the setting does not exist. */
  readonly reserved: number;
}

/** The server's connection limits, from pg_settings. */
export const readConnectionSettings = async (sql: Sql): Promise<ConnectionSettings> => {
  const rows = await sql<{ name: string; setting: string }[]>`
    select name, setting from pg_settings
     where name in ('max_connections', 'superuser_reserved_connections', 'reserved_connections')`;
  const get = (name: string) => Number(rows.find((r) => r.name === name)?.setting ?? 0);
  return {
    maxConnections: get("max_connections"),
    superuserReserved: get("superuser_reserved_connections"),
    reserved: get("reserved_connections"),
  };
};
