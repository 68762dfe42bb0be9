/**
 * Jest runs the TypeScript sources as native ES modules (the project is ESM, and fauxqs
 * only ships ESM), transpiled by SWC. Run it with NODE_OPTIONS=--experimental-vm-modules
 * (the Makefile and `npm test` do).
 *
 * Two projects (docs/adr/0059-test-and-lint-tooling.md): `unit` runs in process
 * only, with no emulator, no network and no child process (`make unit`, fast); `integration`
 * is every test that starts fauxqs or moto, serves the local Spotify API over HTTP, runs
 * terraform, python, a browser or a built bundle in a child process. The one list below
 * decides: a file it matches is integration, any other test file is unit, so every file is
 * in exactly one project; test/unit/jest-projects.test.ts checks the list against that rule.
 * `make test` and a bare `npx jest` run both.
 * @type {import('jest').Config}
 */
import process from "node:process";

// Tests run west of UTC, as a user's laptop may: code that reads a date in the machine's time
// zone fails here too, not only off the Lambda (which runs in UTC).
process.env.TZ = "America/New_York";

const INTEGRATION = [
  "test/integration/",
  "test/local/",
  "test/extract/handler.integration.test.ts",
  "test/extract/local-spotify-api.test.ts",
  "test/extract/s3-snapshot-store.test.ts",
  "test/extract/spotify-client.test.ts",
  "test/extract/spotify-login.test.ts",
  "test/ops/function-logs.test.ts",
  "test/ops/import-charts.test.ts",
  "test/ops/replay-manual.test.ts",
  "test/ops/reprocess.test.ts",
  "test/report/report-browser.test.ts",
  "test/report/report-cli.test.ts",
  "test/terraform/athena-named-queries.test.ts",
  "test/terraform/moto-apply.test.ts",
  "test/terraform/preflight.test.ts",
  // Under test/unit/ but not unit: they spawn the built converter and python's readers.
  "test/unit/scripts/transform-files.test.ts",
  "test/unit/transform/parquet-readers.test.ts",
];

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const ROOT = escape(import.meta.dirname);
const INTEGRATION_REGEX = INTEGRATION.map((p) =>
  p.endsWith("/") ? `^${ROOT}/${escape(p)}.*\\.test\\.ts$` : `^${ROOT}/${escape(p)}$`,
);

const TEST_TIMEOUT_MS = 30000;

/** What both projects share: SWC for TypeScript as ES modules, the test environment. */
const shared = {
  rootDir: import.meta.dirname,
  testEnvironment: "node",
  extensionsToTreatAsEsm: [".ts"],
  transform: {
    "^.+\\.ts$": [
      "@swc/jest",
      {
        jsc: {
          parser: { syntax: "typescript" },
          target: "es2023",
          // config/*.json is imported with `with { type: "json" }`, which Node requires.
          experimental: { keepImportAttributes: true },
        },
        module: { type: "es6" },
      },
    ],
  },
  setupFiles: ["<rootDir>/test/support/env.ts"],
  testTimeout: TEST_TIMEOUT_MS,
};

export default {
  projects: [
    {
      ...shared,
      displayName: "unit",
      testMatch: ["<rootDir>/test/**/*.test.ts"],
      testPathIgnorePatterns: ["/node_modules/", ...INTEGRATION_REGEX],
    },
    {
      ...shared,
      displayName: "integration",
      testRegex: INTEGRATION_REGEX,
    },
  ],
  testTimeout: TEST_TIMEOUT_MS,
  silent: true,
  reporters: ["default", "<rootDir>/test/support/summary-reporter.js"],
};
