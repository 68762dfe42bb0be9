/** Reads Parquet back with DuckDB, the way a user's query engine would. */
import { DuckDBInstance } from "@duckdb/node-api";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

/** The rows and column types of one Parquet file, read by DuckDB. */
export interface ParquetContents {
  rows: Record<string, unknown>[];
  /** DuckDB's type per column, e.g. `VARCHAR`, `INTEGER`, `VARCHAR[]`, `DATE`. */
  types: Record<string, string>;
  /** Parquet schema facts: column name to converted type / logical type. */
  compression: string[];
}

/** Reads a Parquet file's bytes (written to a temp file) or a path with DuckDB. */
export async function readParquet(source: Uint8Array | string): Promise<ParquetContents> {
  const dir = typeof source === "string" ? undefined : await mkdtemp(path.join(tmpdir(), "pq-"));
  const file = dir ? path.join(dir, "file.parquet") : (source as string);
  if (dir) await writeFile(file, source as Uint8Array);
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    const quoted = `'${file.replace(/'/g, "''")}'`;
    const rows = (
      await connection.runAndReadAll(`SELECT * FROM read_parquet(${quoted})`)
    ).getRowObjectsJS();
    const described = (
      await connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${quoted})`)
    ).getRowObjectsJS();
    const compression = (
      await connection.runAndReadAll(`SELECT DISTINCT compression FROM parquet_metadata(${quoted})`)
    ).getRowObjectsJS();
    return {
      rows: rows as Record<string, unknown>[],
      types: Object.fromEntries(
        described.map((c) => [String(c.column_name), String(c.column_type)]),
      ),
      compression: compression.map((c) => String(c.compression)),
    };
  } finally {
    connection.closeSync();
    instance.closeSync();
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}
