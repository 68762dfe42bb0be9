/** Where the local mode keeps its files: small on purpose, so commands that only read the lake need not load the pipeline. */
import path from "node:path";

/** Where `make demo` leaves the lake (gitignored); `make query` reads it. */
export const LOCAL_LAKE_DIR = path.resolve(import.meta.dirname, "../../.lake");
/** Where `make demo` writes its chart exports before importing them (gitignored). */
export const LOCAL_DEMO_CHARTS_DIR = path.resolve(import.meta.dirname, "../../.local/demo-charts");
