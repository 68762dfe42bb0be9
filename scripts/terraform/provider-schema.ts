/**
 * The compact AWS provider schema that `generate-provider-schema.ts` writes and the offline
 * Terraform checker reads.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";

/**
 * One block: a resource or data source body, or a nested block.
 * `a` maps argument names to their kind (`s` string, `n` number, `b` bool, `l` list or set,
 * `m` map, `j` other), prefixed with `!` when required. `b` maps nested block names to their
 * schema; on a nested block `r: 1` means required, `s: 1` at most one, `o: 1` that it is an
 * object attribute rather than a block (HCL may then write it as `name = {...}`).
 */
export interface BlockSchema {
  a: Record<string, string>;
  b: Record<string, NestedBlockSchema>;
}

/** A nested block's schema with its own flags. */
export interface NestedBlockSchema extends BlockSchema {
  r?: 1;
  s?: 1;
  o?: 1;
}

/** The whole provider: where it came from and every resource and data source type. */
export interface ProviderSchema {
  provider: string;
  providerVersion: string;
  generatedFrom: string;
  resources: Record<string, BlockSchema>;
  dataSources: Record<string, BlockSchema>;
}

/** The committed, generated schema file. */
export const PROVIDER_SCHEMA_FILE = path.join(import.meta.dirname, "aws-provider-schema.json.gz");

/** Loads the committed schema (gzip-compressed JSON). */
export function loadProviderSchema(file: string = PROVIDER_SCHEMA_FILE): ProviderSchema {
  return JSON.parse(gunzipSync(readFileSync(file)).toString("utf8")) as ProviderSchema;
}
