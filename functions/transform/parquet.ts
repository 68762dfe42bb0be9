/**
 * Encodes table rows as Parquet (snappy) with the explicit schema from `tables.ts`.
 *
 * hyparquet-writer is patched (patches/, applied by `npm ci`) to write v1 data pages, which
 * fastparquet assembles lists from (it mis-reads them from v2 pages), and a footer that arrow-rs
 * accepts for a file with no rows. test/unit/transform/parquet-readers.test.ts holds every
 * choice here to five readers.
 */
import { parquetWriteBuffer } from "hyparquet-writer";
import { LAKE_TABLE_NAMES, type LakeTableName } from "../shared/s3-layout";
import { TABLE_COLUMNS, type ColumnDefinition, type ColumnType, type LakeTables } from "./tables";

type SchemaElement = NonNullable<Parameters<typeof parquetWriteBuffer>[0]["schema"]>[number];

type AnyColumn = Pick<ColumnDefinition<Record<string, unknown>>, "type" | "nullable"> & {
  name: string;
};

function schemaElementsFor(column: AnyColumn): SchemaElement[] {
  const repetition_type = column.nullable ? "OPTIONAL" : "REQUIRED";
  const leaf: Record<Exclude<ColumnType, "string_list">, Omit<SchemaElement, "name">> = {
    string: { type: "BYTE_ARRAY", converted_type: "UTF8", logical_type: { type: "STRING" } },
    int32: { type: "INT32" },
    int64: { type: "INT64" },
    boolean: { type: "BOOLEAN" },
    date: { type: "INT32", converted_type: "DATE", logical_type: { type: "DATE" } },
    timestamp_millis_utc: {
      type: "INT64",
      converted_type: "TIMESTAMP_MILLIS",
      logical_type: { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MILLIS" },
    },
  };
  if (column.type === "string_list") {
    // The standard three-level LIST (list / element) that Athena, Glue and DuckDB all read.
    return [
      {
        name: column.name,
        repetition_type,
        converted_type: "LIST",
        logical_type: { type: "LIST" },
        num_children: 1,
      },
      { name: "list", repetition_type: "REPEATED", num_children: 1 },
      { name: "element", repetition_type: "REQUIRED", ...leaf.string },
    ];
  }
  return [{ name: column.name, repetition_type, ...leaf[column.type] }];
}

function schemaFor(columns: AnyColumn[]): SchemaElement[] {
  return [{ name: "root", num_children: columns.length }, ...columns.flatMap(schemaElementsFor)];
}

/**
 * Encodings chosen per type rather than left to the writer. Booleans PLAIN: RLE booleans are
 * where readers have had bugs. Lists always dictionary-encoded: fastparquet (with pandas 3's
 * string type) does not assemble lists of PLAIN strings and reads them as null.
 */
const ENCODINGS: Partial<Record<ColumnType, "PLAIN" | "RLE_DICTIONARY">> = {
  boolean: "PLAIN",
  string_list: "RLE_DICTIONARY",
};

/**
 * One row group per file: a file is one playlist snapshot (Spotify caps playlists at 10,000
 * entries). The writer's default starts a second group after 1,000 rows, and fastparquet
 * reads as null the strings of a PLAIN-encoded group when a later group is dictionary-encoded.
 */
const ROW_GROUP_ROWS = 1_000_000;

/** Each table's Parquet schema, built once rather than for every file. */
const TABLE_SCHEMAS = Object.fromEntries(
  LAKE_TABLE_NAMES.map((table) => [table, schemaFor(TABLE_COLUMNS[table])]),
) as Record<LakeTableName, SchemaElement[]>;

const toBigInt = (value: unknown) =>
  typeof value === "number" ? BigInt(value) : (value as bigint | null | undefined);

/**
 * The Parquet file for one table's rows. An empty table still gets a valid, typed file.
 * @throws {Error} when a row lacks a value in a column that is not nullable.
 */
export function encodeTable<T extends LakeTableName>(table: T, rows: LakeTables[T]): Uint8Array {
  const columns: AnyColumn[] = TABLE_COLUMNS[table];
  const records = rows as unknown as Record<string, unknown>[];
  const buffer = parquetWriteBuffer({
    columnData: columns.map((column) => ({
      name: column.name,
      data:
        column.type === "int64"
          ? // The writer takes INT64 values as bigint only; rows keep plain numbers.
            records.map((row) => toBigInt(row[column.name]))
          : records.map((row) => row[column.name]),
      nullable: column.nullable,
      ...(column.type in ENCODINGS && { encoding: ENCODINGS[column.type] }),
    })),
    schema: TABLE_SCHEMAS[table],
    codec: "SNAPPY",
    rowGroupSize: ROW_GROUP_ROWS,
    createdBy: "spotify-etl",
  });
  return new Uint8Array(buffer);
}
