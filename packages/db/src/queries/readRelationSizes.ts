import type { Sql } from "../client.ts";

export interface RelationSizeRow {
  readonly name: string;
  readonly kind: "table" | "index";
  readonly rows: number;
}

/**
 * The planner's row estimate for every table and index of the schema (pg_class.reltuples;
 * for a table never analyzed, the live rows the statistics counted).
 */
export const readRelationSizes = async (sql: Sql): Promise<RelationSizeRow[]> =>
  await sql<RelationSizeRow[]>`
    select c.relname as name,
           case when c.relkind = 'i' then 'index' else 'table' end as kind,
           greatest(c.reltuples, coalesce(s.n_live_tup, 0), 0)::float8 as rows
      from pg_class c
      left join pg_stat_user_tables s on s.relid = c.oid
     where c.relnamespace = current_schema()::regnamespace and c.relkind in ('r', 'p', 'i')
     order by c.relname`;
