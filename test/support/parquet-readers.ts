/**
 * Reads Parquet files with every reader the lake promises to work with: DuckDB, arrow-rs
 * (npm parquet-wasm), and Arrow C++ (pyarrow), polars and fastparquet from the `make venv`
 * virtual environment (through `parquet_readers.py`). Each gives its rows in one comparable
 * form, so that a test can check that they all read every value alike.
 */
import { DuckDBInstance } from "@duckdb/node-api";
import { tableFromIPC, Type, type DataType } from "apache-arrow";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { readParquet as readWithArrowRs } from "parquet-wasm";
import {
  TABLE_COLUMNS,
  type ColumnType,
  type SnapshotTables,
} from "../../functions/transform/tables";
import type { TableName } from "../../functions/shared/s3-layout";

/** A value as the readers are compared: timestamps in epoch ms, dates as `YYYY-MM-DD`. */
export type Canonical = string | number | boolean | null | Canonical[];

/** One file's columns and rows as one reader read them, or why it could not. */
export type ReaderResult = { columns: string[]; rows: Canonical[][] } | { error: string };

/** The readers, in the order tests report them. */
export const READERS = ["duckdb", "arrow-rs", "pyarrow", "polars", "fastparquet"] as const;
export type ReaderName = (typeof READERS)[number];

const ROOT = path.resolve(import.meta.dirname, "../..");
const PYTHON = path.join(ROOT, ".venv/bin/python");
const PYTHON_READERS = path.join(import.meta.dirname, "parquet_readers.py");

const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** int64 values (bigint in DuckDB and Arrow JS) compare as numbers, as JSON gives Python's. */
const int64Value = (value: bigint): Canonical =>
  Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();

/** A value of the given logical column type, as written, in the compared form. */
export function canonicalValue(value: unknown, type: ColumnType): Canonical {
  if (value === null || value === undefined) return null;
  if (type === "timestamp_millis_utc") return (value as Date).getTime();
  if (type === "date") return isoDate((value as Date).getTime());
  if (type === "string_list") return [...(value as string[])];
  return value as Canonical;
}

/** Rows as `encodeTable` was given them, in the compared form: what every reader must read. */
export function expectedResult<T extends TableName>(
  table: T,
  rows: SnapshotTables[T],
): ReaderResult {
  const columns: { name: string; type: ColumnType }[] = TABLE_COLUMNS[table];
  const records = rows as unknown as Record<string, unknown>[];
  return {
    columns: columns.map((c) => c.name),
    rows: records.map((row) => columns.map((c) => canonicalValue(row[c.name], c.type))),
  };
}

async function readDuckDb(file: string): Promise<ReaderResult> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    // The file alone: no `snapshot_date` column taken from a Hive path.
    const source = `read_parquet('${file.replace(/'/g, "''")}', hive_partitioning = false)`;
    const reader = await connection.runAndReadAll(`SELECT * FROM ${source}`);
    const columns = reader.columnNames();
    const types = reader.columnTypes().map((t) => t.toString());
    const rows = reader.getRowsJS().map((row) =>
      row.map((value, i): Canonical => {
        if (value === null) return null;
        if (typeof value === "bigint") return int64Value(value);
        if (types[i] === "DATE") return isoDate((value as Date).getTime());
        if (value instanceof Date) return value.getTime();
        return value as Canonical;
      }),
    );
    return { columns, rows };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

function arrowValue(value: unknown, type: DataType): Canonical {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint") return int64Value(value);
  if (type.typeId === Type.Date) return isoDate(Number(value));
  if (type.typeId === Type.Timestamp) return Number(value);
  if (type.typeId === Type.List) {
    const child = (type as DataType<Type.List>).children[0]!.type;
    return [...(value as Iterable<unknown>)].map((v) => arrowValue(v, child));
  }
  return value as Canonical;
}

async function readArrowRs(file: string): Promise<ReaderResult> {
  const table = tableFromIPC(readWithArrowRs(await readFile(file)).intoIPCStream());
  const fields = table.schema.fields;
  const vectors = fields.map((f) => table.getChild(f.name)!);
  const rows = Array.from({ length: table.numRows }, (_, r) =>
    fields.map((f, c) => arrowValue(vectors[c]!.get(r), f.type)),
  );
  return { columns: fields.map((f) => f.name), rows };
}

async function readPython(files: string[]): Promise<Record<string, Record<string, ReaderResult>>> {
  if (!existsSync(PYTHON)) throw new Error(`${PYTHON} is missing: run \`make venv\` first`);
  const { stdout } = await promisify(execFile)(PYTHON, [PYTHON_READERS, ...files], {
    maxBuffer: 1024 * 1024 * 1024,
  });
  return JSON.parse(stdout) as Record<string, Record<string, ReaderResult>>;
}

const errorOf = (error: unknown): ReaderResult => ({
  error: error instanceof Error ? error.message : String(error),
});

/** A value one reader read differently from the expected one. */
export interface Difference {
  reader: ReaderName;
  row?: number;
  column?: string;
  expected: unknown;
  read: unknown;
}

/**
 * Where each reader's result differs from `expected`: the columns, the row count, or each value
 * (at most `limit` of them, so that a failure stays readable). Empty when every reader agrees.
 * @throws {Error} when `expected` is itself a failed reading.
 */
export function differences(
  results: Record<ReaderName, ReaderResult>,
  expected: ReaderResult,
  limit = 5,
): Difference[] {
  if ("error" in expected) throw new Error(`the reference reading failed: ${expected.error}`);
  const found: Difference[] = [];
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  for (const reader of READERS) {
    const read = results[reader];
    if ("error" in read) {
      found.push({ reader, expected: "a reading", read });
      continue;
    }
    if (!same(read.columns, expected.columns) || read.rows.length !== expected.rows.length) {
      found.push({
        reader,
        expected: { columns: expected.columns, rows: expected.rows.length },
        read: { columns: read.columns, rows: read.rows.length },
      });
      continue;
    }
    let count = 0;
    expected.rows.forEach((row, r) =>
      row.forEach((value, c) => {
        if (same(value, read.rows[r]![c])) return;
        if (count++ < limit)
          found.push({
            reader,
            row: r,
            column: expected.columns[c],
            expected: value,
            read: read.rows[r]![c],
          });
      }),
    );
    if (count > limit)
      found.push({ reader, expected: "…", read: `${count - limit} more values differ` });
  }
  return found;
}

/**
 * Reads each file with every reader.
 * @throws {Error} when the virtual environment is missing or the Python helper fails as a whole.
 */
export async function readWithEveryReader(
  files: string[],
): Promise<Map<string, Record<ReaderName, ReaderResult>>> {
  const pending = readPython(files); // runs while the in-process readers read
  const results = new Map<string, Record<ReaderName, ReaderResult>>();
  const inProcess = new Map<string, [ReaderResult, ReaderResult]>();
  for (const file of files)
    inProcess.set(file, [
      await readDuckDb(file).catch(errorOf),
      await readArrowRs(file).catch(errorOf),
    ]);
  const python = await pending;
  for (const file of files) {
    results.set(file, {
      duckdb: inProcess.get(file)![0],
      "arrow-rs": inProcess.get(file)![1],
      pyarrow: python[file]!.pyarrow!,
      polars: python[file]!.polars!,
      fastparquet: python[file]!.fastparquet!,
    });
  }
  return results;
}
