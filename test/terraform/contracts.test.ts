/**
 * What Terraform shares with the TypeScript side, which neither `terraform test` (it cannot see
 * TypeScript) nor the unit tests (they cannot see HCL) check on their own: metric names, alarm
 * names in the runbook, the S3 layout's tables, the functions' environment variables, and the
 * outputs the Makefile reads.
 * `scripts/terraform/test.sh` (in `make test`) checks the Terraform itself.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { readExtractConfig } from "../../functions/extract/config";
import { extractMetricNames } from "../../functions/extract/metric-names";
import { RAW_NOTIFICATION_ID } from "../../scripts/local/s3-notification";
import layout from "../../config/s3-layout.json" with { type: "json" };
import { LAKE_TABLE_NAMES, RAW_NOTIFICATIONS, RAW_SUFFIX } from "../../functions/shared/s3-layout";
import { readTransformConfig } from "../../functions/transform/config";
import { transformMetricNames } from "../../functions/transform/metric-names";
import { createObservability } from "../../functions/shared/powertools";

const REPO_ROOT = path.resolve(import.meta.dirname, "../..");
const read = (file: string) => readFileSync(path.join(REPO_ROOT, file), "utf8");
const monitoring = read("terraform/modules/monitoring/main.tf");
const root = read("terraform/main.tf");
const extractModule = read("terraform/modules/extract/main.tf");

/** Every string value of a nested names object. */
function namesIn(names: object): string[] {
  return Object.values(names).flatMap((v) => (typeof v === "string" ? [v] : namesIn(v)));
}

/** The entries of the `alarms = { ... }` map in the monitoring module: their keys. */
function alarmKeys(): string[] {
  const block = /^ {2}alarms = \{\n([\s\S]*?)^ {2}\}/m.exec(monitoring)?.[1] ?? "";
  return [...block.matchAll(/^ {4}([a-z0-9-]+) = (?:merge\(|\{)/gm)].map((m) => m[1]!);
}

/** Metric names of our own namespace that the monitoring module alarms on or charts. */
function customMetricNames(): string[] {
  const awsMetrics = new Set([
    "Invocations",
    "Errors",
    "Throttles",
    "Duration",
    "ApproximateNumberOfMessagesVisible",
    "ApproximateAgeOfOldestMessage",
  ]);
  const alarmMetrics = [...monitoring.matchAll(/metric_name\s*=\s*"([A-Za-z0-9]+)"/g)].map(
    (m) => m[1]!,
  );
  // The dashboard's per-function lists of what each emits (`namespace_metrics = [...]`).
  const dashboardLists = [...monitoring.matchAll(/namespace_metrics\s*=\s*\[([^\]]*)\]/g)].flatMap(
    (m) => [...m[1]!.matchAll(/"([A-Za-z0-9]+)"/g)].map((n) => n[1]!),
  );
  return [...new Set([...alarmMetrics, ...dashboardLists])].filter((n) => !awsMetrics.has(n));
}

describe("monitoring and the functions", () => {
  it("alarms on and charts only metrics the functions emit", () => {
    // Prepare
    const emitted = new Set([...namesIn(extractMetricNames), ...namesIn(transformMetricNames)]);

    // Act
    const used = customMetricNames();

    // Assess
    expect(used).toEqual(expect.arrayContaining(["TracksExtracted", "SnapshotsTransformed"]));
    expect(used.filter((name) => !emitted.has(name))).toEqual([]);
  });

  it("has a runbook entry for every alarm", () => {
    // Prepare
    const runbook = read("docs/RUNBOOK.md");

    // Act
    const keys = alarmKeys();

    // Assess
    // All of them, as monitoring.tftest.hcl counts them: a key the pattern missed escapes the check.
    expect(keys).toHaveLength(10);
    expect(keys.filter((key) => !runbook.includes(`<prefix>-${key}`))).toEqual([]);
  });
});

describe("the S3 layout (config/s3-layout.json)", () => {
  it("catalogs exactly the tables the transform writes", () => {
    // Assess
    expect(layout.tables).toEqual([...LAKE_TABLE_NAMES]);
  });

  it("notifies on snapshots and chart files, the snapshot notification under its known id", () => {
    // Assess
    expect(RAW_NOTIFICATIONS.map((n) => n.suffix).sort()).toEqual([".csv", RAW_SUFFIX]);
    expect(new Set(RAW_NOTIFICATIONS.map((n) => n.id)).size).toBe(RAW_NOTIFICATIONS.length);
    expect(RAW_NOTIFICATIONS).toContainEqual({ id: RAW_NOTIFICATION_ID, suffix: RAW_SUFFIX });
  });

  it("is what the root module reads, with no prefix written out in Terraform", () => {
    // Act
    const tf = [
      "main.tf",
      ...["transform", "extract", "catalog", "data-lake"].map((m) => `modules/${m}/main.tf`),
    ]
      .map((file) => read(`terraform/${file}`))
      .join("\n");

    // Assess
    expect(tf).toContain('jsondecode(file("${local.repository_root}/config/s3-layout.json"))');
    expect(tf).not.toMatch(/"(raw_data|transformed_data|athena-results)\//);
  });
});

/** The environment variable names (`NAME = ...`) in a piece of HCL. */
function namesSetIn(hcl: string): string[] {
  return [...hcl.matchAll(/\b([A-Z][A-Z0-9_]+) += /g)].map((m) => m[1]!);
}

/** The body of the root module's `name = merge(...)` or `name = {...}` local. */
function rootLocal(name: string): string {
  return (
    new RegExp(`^ {2}${name} = (?:merge\\(|\\{)\\n([\\s\\S]*?)^ {2}[)}]`, "m").exec(root)?.[1] ?? ""
  );
}

/**
 * Runs `start` with `env` as its environment and as process.env, and returns every name it
 * looked up.
 */
function namesRead(start: (env: NodeJS.ProcessEnv) => void, env: NodeJS.ProcessEnv): Set<string> {
  const names = new Set<string>();
  const recording = new Proxy(env, {
    get(target, name) {
      if (typeof name === "string") names.add(name);
      return Reflect.get(target, name);
    },
  });
  const saved = process.env;
  process.env = recording;
  try {
    start(recording);
  } finally {
    process.env = saved;
  }
  return names;
}

describe("the functions' environment and the root module", () => {
  // What Terraform sets for each function (besides *_extra_environment, the user's own), and
  // what the function reads at start: Powertools, then its configuration.
  const functions = {
    extract: {
      // modules/extract adds SPOTIFY_SECRET_ARN to what the root module gives it.
      set: namesSetIn(
        rootLocal("extract_environment") +
          (extractModule.match(/environment_variables = merge\(.*/)?.[0] ?? ""),
      ),
      start: (env: NodeJS.ProcessEnv) => {
        createObservability("extract");
        readExtractConfig(env, {});
      },
    },
    transform: {
      set: namesSetIn(rootLocal("transform_environment")),
      start: (env: NodeJS.ProcessEnv) => {
        createObservability("transform");
        readTransformConfig(env, 512 * 2 ** 20);
      },
    },
  };

  it.each(Object.entries(functions))(
    "sets for the %s only names it reads, and every one it requires",
    (_, fn) => {
      // Prepare
      const set = [...fn.set, ...namesSetIn(rootLocal("powertools_environment"))];
      // Any value passes but a market's, which must be a country code.
      const env = Object.fromEntries(set.map((n) => [n, n === "SPOTIFY_MARKET" ? "SE" : "x"]));

      // Act: throws, naming the variable, if Terraform leaves out one the function requires.
      const looked = namesRead(fn.start, env);

      // Assess
      expect(set).toEqual(expect.arrayContaining(["DATA_BUCKET", "POWERTOOLS_SERVICE_NAME"]));
      expect(set.filter((name) => !looked.has(name))).toEqual([]);
    },
  );
});

describe("the Makefile and the root module", () => {
  it("reads only outputs the root module has", () => {
    // Prepare
    const outputs = new Set(
      [...read("terraform/outputs.tf").matchAll(/^output "([a-z_]+)"/gm)].map((m) => m[1]),
    );

    // Act
    const makefile = read("Makefile");
    const read_ = [...makefile.matchAll(/call tf_output,([a-z_]+)\)/g)].map((m) => m[1]!);
    const perFunction = [
      ...makefile.matchAll(/call tf_output,\$\(or \$\(FN\),(\w+)\)_(\w+)\)/g),
    ].flatMap((m) => ["extract", "transform", m[1]!].map((fn) => `${fn}_${m[2]!}`));

    // Assess
    expect(read_.length).toBeGreaterThan(4);
    expect([...read_, ...perFunction].filter((name) => !outputs.has(name))).toEqual([]);
  });
});
