/**
 * Jest runs the TypeScript sources as native ES modules (the project is ESM, and fauxqs
 * only ships ESM), transpiled by SWC. Run it with NODE_OPTIONS=--experimental-vm-modules
 * (the Makefile and `npm test` do).
 * @type {import('jest').Config}
 */
export default {
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
  testMatch: ["<rootDir>/test/**/*.test.ts"],
  setupFiles: ["<rootDir>/test/support/env.ts"],
  testTimeout: 30000,
  silent: true,
  reporters: ["default", "<rootDir>/test/support/summary-reporter.js"],
};
