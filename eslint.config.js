import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "dist/",
      "reports/",
      ".lake/",
      ".local/",
      "coverage/",
      ".venv/",
      ".tfcli/",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
      "no-console": "off",
    },
  },
  // Rules that need the type checker, for the TypeScript of functions/, scripts/ and test/:
  // an un-awaited promise or a promise passed where a plain callback is expected loses
  // errors silently (a rejected S3 write, a handler that returns before its work ends).
  // The projectService reuses tsconfig.json, so lint and `tsc --noEmit` see one program.
  {
    files: ["**/*.ts"],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/await-thenable": "error",
    },
  },
);
