/**
 * Offline validation of terraform/ (no terraform binary, no provider download): parsing,
 * formatting, the AWS provider schema, references, module calls, least-privilege IAM,
 * encryption, and the contracts the Terraform shares with functions/ and config/.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { RAW_NOTIFICATION_ID } from "../../functions/shared/s3-event";
import {
  ATHENA_RESULTS_PREFIX,
  RAW_PROCESSED_PREFIX,
  RAW_SUFFIX,
  RAW_TO_PROCESS_PREFIX,
  TRANSFORMED_PREFIX,
} from "../../functions/shared/s3-layout";
import {
  LAMBDA_MEMORY_MB,
  LAMBDA_NODE_MAJOR,
  lambdaNodeFlags,
} from "../../scripts/bench/lambda-runtime";
import {
  asBodies,
  checkEncryption,
  checkFormatting,
  checkModuleCalls,
  checkPolicies,
  checkReferences,
  checkSchema,
  checkUnused,
  checkVariableDeclarations,
  type Finding,
  formatFindings,
  listTfFiles,
  loadConfiguration,
  policyStatements,
  resolveValues,
  stringsOf,
  type TfConfiguration,
  type TfModule,
} from "../../scripts/terraform/checker";
import { loadProviderSchema, type ProviderSchema } from "../../scripts/terraform/provider-schema";

const REPO_ROOT = path.resolve(import.meta.dirname, "../..");
const TERRAFORM_DIR = path.join(REPO_ROOT, "terraform");

const ALARM_SUFFIXES = [
  "extract-errors",
  "transform-errors",
  "extract-throttles",
  "transform-throttles",
  "transform-duration-near-timeout",
  "dlq-not-empty",
  "ingest-oldest-message-age",
  "no-tracks-extracted",
  "scheduler-dlq-not-empty",
];
const ROOT_OUTPUTS = [
  "name_prefix",
  "data_bucket_name",
  "data_bucket_arn",
  "ingest_queue_url",
  "ingest_queue_arn",
  "dead_letter_queue_url",
  "dead_letter_queue_arn",
  "extract_function_name",
  "transform_function_name",
  "glue_crawler_name",
  "glue_database_name",
  "athena_workgroup_name",
  "dashboard_url",
  "spotify_secret_arn",
  "alarm_topic_arn",
  "scheduler_dead_letter_queue_url",
];
const MODULE_DIRS = [
  "modules/analytics",
  "modules/catalog",
  "modules/data-lake",
  "modules/extract",
  "modules/ingest-queue",
  "modules/lambda-function",
  "modules/monitoring",
  "modules/transform",
];

let configuration: TfConfiguration;
let schema: ProviderSchema;
const loadFindings: Finding[] = [];

beforeAll(async () => {
  configuration = await loadConfiguration(TERRAFORM_DIR, loadFindings);
  schema = loadProviderSchema();
});

function module(dir: string): TfModule {
  const found = configuration.modules.get(dir);
  if (!found) throw new Error(`module ${dir} not loaded`);
  return found;
}

function resource(dir: string, address: string): Record<string, unknown> {
  const found = module(dir).resources.get(address);
  if (!found) throw new Error(`${dir}: no ${address}`);
  return found.body;
}

/** The single value a reference resolves to, following locals, module calls and defaults. */
function resolved(dir: string, value: unknown): unknown[] {
  return resolveValues(configuration, dir, value);
}

describe("terraform/ files", () => {
  const files = listTfFiles(TERRAFORM_DIR);

  it("has the root module and every module with main, variables, outputs and versions", () => {
    // Assess
    for (const dir of [".", ...MODULE_DIRS]) {
      for (const name of ["main.tf", "variables.tf", "outputs.tf", "versions.tf"]) {
        expect(files).toContain(path.posix.join(dir, name));
      }
    }
    expect(files.length).toBeGreaterThanOrEqual(37);
  });

  it("parses every file with HashiCorp's HCL parser and reaches every module from the root", () => {
    // Assess
    expect(formatFindings(loadFindings)).toBe("");
    expect([...configuration.modules.keys()].sort()).toEqual([".", ...MODULE_DIRS].sort());
  });

  it.each(files)("%s is formatted as terraform fmt would", async (file) => {
    // Act
    const findings = await checkFormatting(
      file,
      readFileSync(path.join(TERRAFORM_DIR, file), "utf8"),
    );

    // Assess
    expect(formatFindings(findings)).toBe("");
  });

  it("pins Terraform >= 1.9 and the AWS provider >= 5.100, < 7.0 in every module", () => {
    // Assess
    for (const dir of [".", ...MODULE_DIRS]) {
      const versions = module(dir).files.find((f) => f.name.endsWith("versions.tf"))!.json;
      const terraform = asBodies(versions.terraform)[0]!;
      expect(terraform.required_version).toBe(">= 1.9");
      const providers = asBodies(terraform.required_providers)[0]!;
      expect(providers.aws).toEqual({ source: "hashicorp/aws", version: ">= 5.100, < 7.0" });
    }
  });
});

describe("checks per module", () => {
  const dirs = [".", ...MODULE_DIRS];

  it.each(dirs)("%s: every resource and data block matches the AWS provider schema", (dir) => {
    // Act
    const findings = checkSchema(module(dir), schema);

    // Assess
    expect(formatFindings(findings)).toBe("");
    expect(module(dir).resources.size + module(dir).dataSources.size).toBeGreaterThan(0);
  });

  it.each(dirs)("%s: every reference resolves", async (dir) => {
    // Act
    const findings = await checkReferences(module(dir), configuration);

    // Assess
    expect(formatFindings(findings)).toBe("");
  });

  it.each(dirs)("%s: module calls pass declared variables and every required one", (dir) => {
    // Act
    const findings = checkModuleCalls(module(dir), configuration);

    // Assess
    expect(formatFindings(findings)).toBe("");
  });

  it.each(dirs)(
    "%s: variables and outputs are documented and typed, and all are used",
    async (dir) => {
      // Act
      const findings = [
        ...checkVariableDeclarations(module(dir)),
        ...(await checkUnused(module(dir))),
      ];

      // Assess
      expect(formatFindings(findings)).toBe("");
    },
  );

  it.each(dirs)("%s: IAM policies are least privilege", (dir) => {
    // Act
    const findings = checkPolicies(module(dir));

    // Assess
    expect(formatFindings(findings)).toBe("");
  });

  it.each(dirs)("%s: buckets, queues and topics are encrypted", (dir) => {
    // Act
    const findings = checkEncryption(module(dir));

    // Assess
    expect(formatFindings(findings)).toBe("");
  });

  it("checked every policy statement and every encrypted resource kind", () => {
    // Act
    const statements = dirs.flatMap((dir) => policyStatements(module(dir)));
    const types = dirs.flatMap((dir) => [...module(dir).resources.values()].map((r) => r.type));

    // Assess
    expect(statements.length).toBeGreaterThanOrEqual(20);
    for (const type of ["aws_s3_bucket", "aws_sqs_queue", "aws_sns_topic"])
      expect(types).toContain(type);
  });
});

describe("contracts shared with functions/ and config/", () => {
  it("notifies the ingest queue of objects under RAW_TO_PROCESS_PREFIX with RAW_SUFFIX, as RAW_NOTIFICATION_ID", () => {
    // Act
    const notification = resource("modules/ingest-queue", "aws_s3_bucket_notification.this");
    const queue = asBodies(notification.queue);

    // Assess
    expect(queue).toHaveLength(1);
    expect(resolved("modules/ingest-queue", queue[0]!.filter_prefix)).toEqual([
      RAW_TO_PROCESS_PREFIX,
    ]);
    expect(resolved("modules/ingest-queue", queue[0]!.filter_suffix)).toEqual([RAW_SUFFIX]);
    expect(resolved("modules/ingest-queue", queue[0]!.id)).toEqual([RAW_NOTIFICATION_ID]);
    expect(queue[0]!.events).toEqual(["s3:ObjectCreated:*"]);
    expect(queue[0]!.queue_arn).toBe("${aws_sqs_queue.this.arn}");
  });

  it("creates the notification after the queue policy that lets the bucket send", () => {
    // Act
    const notification = resource("modules/ingest-queue", "aws_s3_bucket_notification.this");
    const policy = module("modules/ingest-queue").dataSources.get(
      "aws_iam_policy_document.queue",
    )!.body;
    const allow = asBodies(policy.statement).find((s) => s.sid === "AllowDataLakeNotifications")!;

    // Assess
    expect(notification.depends_on).toEqual(["${aws_sqs_queue_policy.this}"]);
    expect(asBodies(allow.condition).map((c) => c.variable)).toEqual([
      "aws:SourceArn",
      "aws:SourceAccount",
    ]);
    expect(asBodies(allow.principals)[0]).toEqual({
      type: "Service",
      identifiers: ["s3.amazonaws.com"],
    });
  });

  it("uses the S3 layout constants for every prefix", () => {
    // Act
    const root = module(".");
    const local = (name: string) => root.locals.get(name)?.value;

    // Assess
    expect(local("raw_to_process_prefix")).toBe(RAW_TO_PROCESS_PREFIX);
    expect(local("raw_processed_prefix")).toBe(RAW_PROCESSED_PREFIX);
    expect(local("transformed_prefix")).toBe(TRANSFORMED_PREFIX);
    expect(local("athena_results_prefix")).toBe(ATHENA_RESULTS_PREFIX);
    expect(local("raw_suffix")).toBe(RAW_SUFFIX);
    expect(local("raw_notification_id")).toBe(RAW_NOTIFICATION_ID);
    expect(RAW_TO_PROCESS_PREFIX.startsWith(String(local("raw_prefix")))).toBe(true);
    expect(RAW_PROCESSED_PREFIX.startsWith(String(local("raw_prefix")))).toBe(true);
    // Module defaults agree too, so a module used on its own keeps the layout.
    const defaults: [string, string, string][] = [
      ["modules/extract", "raw_to_process_prefix", RAW_TO_PROCESS_PREFIX],
      ["modules/transform", "raw_to_process_prefix", RAW_TO_PROCESS_PREFIX],
      ["modules/transform", "raw_processed_prefix", RAW_PROCESSED_PREFIX],
      ["modules/transform", "transformed_prefix", TRANSFORMED_PREFIX],
      ["modules/catalog", "transformed_prefix", TRANSFORMED_PREFIX],
      ["modules/analytics", "results_prefix", ATHENA_RESULTS_PREFIX],
      ["modules/data-lake", "athena_results_prefix", ATHENA_RESULTS_PREFIX],
      ["modules/data-lake", "raw_processed_prefix", RAW_PROCESSED_PREFIX],
      ["modules/ingest-queue", "notification_prefix", RAW_TO_PROCESS_PREFIX],
      ["modules/ingest-queue", "notification_suffix", RAW_SUFFIX],
      ["modules/ingest-queue", "notification_id", RAW_NOTIFICATION_ID],
    ];
    for (const [dir, variable, expected] of defaults) {
      expect([dir, variable, module(dir).variables.get(variable)?.body.default]).toEqual([
        dir,
        variable,
        expected,
      ]);
    }
  });

  it("grants each function exactly its S3 prefixes", () => {
    // Act
    const grants = (dir: string, document: string) =>
      policyStatements(module(dir))
        .filter(
          (s) => s.document === document && stringsOf(s.actions).some((a) => a.startsWith("s3:")),
        )
        .map((s) => ({
          actions: stringsOf(s.actions),
          prefixes: stringsOf(s.resources).map((r) => {
            const match =
              /^\$\{var\.data_bucket_arn\}\/\$\{var\.([\w]+)\}\*$/.exec(r) ??
              /^\$\{local\.bucket_objects\}\$\{var\.([\w]+)\}\*$/.exec(r);
            return match ? resolved(dir, `\${var.${match[1]}}`)[0] : r;
          }),
        }));

    // Assess
    expect(grants("modules/extract", "data.aws_iam_policy_document.function")).toEqual([
      { actions: ["s3:PutObject", "s3:AbortMultipartUpload"], prefixes: [RAW_TO_PROCESS_PREFIX] },
    ]);
    expect(grants("modules/transform", "data.aws_iam_policy_document.function")).toEqual([
      { actions: ["s3:GetObject"], prefixes: ["raw_data/"] },
      { actions: ["s3:ListBucket"], prefixes: ["${var.data_bucket_arn}"] },
      { actions: ["s3:PutObject"], prefixes: [TRANSFORMED_PREFIX, RAW_PROCESSED_PREFIX] },
      { actions: ["s3:DeleteObject"], prefixes: [RAW_TO_PROCESS_PREFIX, TRANSFORMED_PREFIX] },
    ]);
  });

  it("reads queue and trigger defaults from config/queue-settings.json, which keeps the 6x visibility rule", () => {
    // Prepare
    const settings = JSON.parse(
      readFileSync(path.join(REPO_ROOT, "config/queue-settings.json"), "utf8"),
    );
    const root = module(".");

    // Act
    const queueSettings = String(root.locals.get("queue_settings")?.value);
    const rootSource = root.files.map((f) => f.source).join("\n");

    // Assess
    expect(queueSettings).toBe(
      '${jsondecode(file("${local.repository_root}/config/queue-settings.json"))}',
    );
    expect(settings.visibilityTimeoutSeconds).toBeGreaterThanOrEqual(
      6 * settings.transformTimeoutSeconds,
    );
    for (const key of Object.keys(settings).filter((k) => k !== "description")) {
      expect([key, rootSource.includes(`local.queue_settings.${key}`)]).toEqual([key, true]);
    }
  });

  it("enforces visibility timeout >= 6 x the transform timeout, wired to the same value", () => {
    // Act
    const variable = module("modules/ingest-queue").variables.get(
      "visibility_timeout_seconds",
    )!.body;
    const conditions = asBodies(variable.validation).map((v) =>
      String(v.condition).replace(/\s+/g, " "),
    );
    const ingestCall = module(".").moduleCalls.get("ingest_queue")!.body;
    const transformCall = module(".").moduleCalls.get("transform")!.body;

    // Assess
    expect(conditions).toContain(
      "${var.visibility_timeout_seconds >= 6 * var.consumer_timeout_seconds}",
    );
    expect(ingestCall.consumer_timeout_seconds).toBe("${local.transform_timeout_seconds}");
    expect(transformCall.timeout_seconds).toBe("${local.transform_timeout_seconds}");
    expect(ingestCall.visibility_timeout_seconds).toBe("${local.visibility_timeout_seconds}");
  });

  it("redrives to a dead-letter queue that keeps messages longer and allows only the ingest queue", () => {
    // Act
    const queue = resource("modules/ingest-queue", "aws_sqs_queue.this");
    const allow = resource(
      "modules/ingest-queue",
      "aws_sqs_queue_redrive_allow_policy.dead_letter",
    );
    const retention = module("modules/ingest-queue").variables.get(
      "dead_letter_retention_seconds",
    )!.body;

    // Assess
    expect(String(queue.redrive_policy)).toContain(
      "deadLetterTargetArn = aws_sqs_queue.dead_letter.arn",
    );
    expect(String(queue.redrive_policy)).toContain("maxReceiveCount     = var.max_receive_count");
    expect(String(allow.redrive_allow_policy)).toContain('redrivePermission = "byQueue"');
    expect(String(asBodies(retention.validation)[0]!.condition)).toContain(
      "var.dead_letter_retention_seconds > var.message_retention_seconds",
    );
    expect(retention.default).toBe(1209600);
  });
});

describe("functions", () => {
  it("deploys the zips from dist/ with index.handler, nodejs22.x and arm64 by default", () => {
    // Act
    const fn = resource("modules/lambda-function", "aws_lambda_function.this");
    const variables = module("modules/lambda-function").variables;

    // Assess
    expect(fn.source_code_hash).toBe("${filebase64sha256(var.zip_path)}");
    expect(fn.filename).toBe("${var.zip_path}");
    expect(variables.get("handler")!.body.default).toBe("index.handler");
    expect(variables.get("runtime")!.body.default).toBe("nodejs22.x");
    expect(variables.get("architecture")!.body.default).toBe("arm64");
    expect(resolved("modules/extract", "${var.zip_path}")).toEqual([
      "${local.repository_root}/dist/extract.zip",
    ]);
    expect(resolved("modules/transform", "${var.zip_path}")).toEqual([
      "${local.repository_root}/dist/transform.zip",
    ]);
    expect(module(".").locals.get("repository_root")?.value).toBe("${path.module}/..");
  });

  it("gives the transform the memory the benchmark runs it with as a Lambda", () => {
    // Act
    const memory = module(".").variables.get("transform_memory_mb")!.body.default;

    // Assess: docs/BENCHMARKS.md's "as a Lambda function runs it" rows use LAMBDA_MEMORY_MB
    expect(memory).toBe(LAMBDA_MEMORY_MB);
    expect(lambdaNodeFlags(memory as number)).toEqual([
      "--max-semi-space-size=25",
      "--max-old-space-size=461",
    ]);
  });

  it("runs the functions on the Node.js major the benchmark runs them with as a Lambda", () => {
    // Act
    const runtime = module(".").variables.get("lambda_runtime")!.body.default;

    // Assess: V8's memory use differs between majors
    expect(runtime).toBe(`nodejs${LAMBDA_NODE_MAJOR}.x`);
  });

  it("creates each log group, with retention, before its function", () => {
    // Act
    const fn = resource("modules/lambda-function", "aws_lambda_function.this");
    const logGroup = resource("modules/lambda-function", "aws_cloudwatch_log_group.this");

    // Assess
    expect(fn.depends_on).toContain("${aws_cloudwatch_log_group.this}");
    expect(logGroup.name).toBe("/aws/lambda/${var.function_name}");
    expect(logGroup.retention_in_days).toBe("${var.log_retention_days}");
  });

  it("gives each function the environment of DESIGN.md's Handler configuration", () => {
    // Act
    const locals = module(".").locals;
    const extract = String(locals.get("extract_environment")!.value);
    const transform = String(locals.get("transform_environment")!.value);
    const powertools = locals.get("powertools_environment")!.value;

    // Assess
    expect(extract).toContain("DATA_BUCKET             = module.data_lake.bucket_name");
    expect(extract).toContain('PLAYLIST_IDS            = join(",", var.playlist_ids)');
    expect(extract).toContain("POWERTOOLS_SERVICE_NAME = local.extract_service_name");
    expect(extract).toContain("{ SPOTIFY_MARKET = var.spotify_market }");
    expect(extract).toContain("var.extract_extra_environment");
    expect(transform).toContain("GLUE_CRAWLER_NAME       = module.catalog.crawler_name");
    expect(transform).toContain("POWERTOOLS_SERVICE_NAME = local.transform_service_name");
    expect(transform).toContain("var.transform_extra_environment");
    expect(powertools).toEqual({
      POWERTOOLS_METRICS_NAMESPACE: "${var.metrics_namespace}",
      POWERTOOLS_LOG_LEVEL: "${var.log_level}",
    });
    expect(locals.get("extract_service_name")!.value).toBe("${var.name_prefix}-extract");
    expect(locals.get("transform_service_name")!.value).toBe("${var.name_prefix}-transform");
    // The secret's ARN is added where the secret is created; fixed keys come last in merge().
    expect(module("modules/extract").moduleCalls.get("function")!.body.environment_variables).toBe(
      "${merge(var.environment_variables, { SPOTIFY_SECRET_ARN = aws_secretsmanager_secret.spotify.arn })}",
    );
    expect(extract.indexOf("var.extract_extra_environment")).toBeLessThan(
      extract.indexOf("DATA_BUCKET"),
    );
  });

  it("never puts the Spotify secret's value in Terraform (no secret version resource)", () => {
    // Act
    const types = [...configuration.modules.values()].flatMap((m) =>
      [...m.resources.values()].map((r) => r.type),
    );

    // Assess
    expect(types).toContain("aws_secretsmanager_secret");
    expect(types).not.toContain("aws_secretsmanager_secret_version");
  });

  it("lets the extract read and update only its own secret", () => {
    // Act
    const statement = policyStatements(module("modules/extract")).find(
      (s) => s.sid === "ReadSpotifyCredentials",
    )!;

    // Assess
    expect(stringsOf(statement.actions)).toEqual([
      "secretsmanager:GetSecretValue",
      "secretsmanager:PutSecretValue",
    ]);
    expect(stringsOf(statement.resources)).toEqual(["${aws_secretsmanager_secret.spotify.arn}"]);
  });

  it("schedules the extract daily at 16:00 UTC, no flexible window, with retries and a DLQ", () => {
    // Act
    const schedule = resource("modules/extract", "aws_scheduler_schedule.this");
    const target = asBodies(schedule.target)[0]!;

    // Assess
    expect(resolved("modules/extract", schedule.schedule_expression)).toEqual([
      "cron(0 16 * * ? *)",
    ]);
    expect(resolved("modules/extract", schedule.schedule_expression_timezone)).toEqual(["UTC"]);
    expect(asBodies(schedule.flexible_time_window)).toEqual([{ mode: "OFF" }]);
    expect(asBodies(target.retry_policy)).toHaveLength(1);
    expect(asBodies(target.dead_letter_config)).toEqual([
      { arn: "${aws_sqs_queue.scheduler_dead_letter.arn}" },
    ]);
  });

  it("feeds the transform from the ingest queue with partial batch responses and a concurrency cap", () => {
    // Act
    const mapping = resource("modules/transform", "aws_lambda_event_source_mapping.this");

    // Assess
    expect(mapping.function_response_types).toEqual(["ReportBatchItemFailures"]);
    expect(asBodies(mapping.scaling_config)).toEqual([
      { maximum_concurrency: "${var.maximum_concurrency}" },
    ]);
    expect(module(".").moduleCalls.get("transform")!.body.queue_arn).toBe(
      "${module.ingest_queue.queue_arn}",
    );
  });
});

describe("catalog and analytics", () => {
  it("crawls transformed_data/ with one table per folder, combined schemas and inherited partitions", () => {
    // Act
    const crawler = resource("modules/catalog", "aws_glue_crawler.this");
    const configurationText = String(crawler.configuration);

    // Assess
    expect(asBodies(crawler.s3_target)).toEqual([
      { path: "s3://${var.data_bucket_name}/${var.transformed_prefix}" },
    ]);
    expect(configurationText).toContain("TableLevelConfiguration = local.table_level");
    expect(configurationText).toContain('TableGroupingPolicy     = "CombineCompatibleSchemas"');
    expect(configurationText).toContain(
      'Partitions = { AddOrUpdateBehavior = "InheritFromTable" }',
    );
    // transformed_data/<table>/: the bucket's top folder is level 1, the table folder level 2.
    expect(module("modules/catalog").locals.get("table_level")!.value).toBe(
      '${length(split("/", trimsuffix(var.transformed_prefix, "/"))) + 1}',
    );
    expect(TRANSFORMED_PREFIX.split("/").filter(Boolean)).toHaveLength(1);
  });

  it("makes a named query of every queries/*.sql file in an enforced, encrypted engine-v3 workgroup", () => {
    // Act
    const named = resource("modules/analytics", "aws_athena_named_query.this");
    const workgroup = asBodies(
      resource("modules/analytics", "aws_athena_workgroup.this").configuration,
    )[0]!;
    const result = asBodies(workgroup.result_configuration)[0]!;

    // Assess
    expect(module("modules/analytics").locals.get("query_files")!.value).toBe(
      '${fileset(var.queries_dir, "*.sql")}',
    );
    expect(named.for_each).toBe("${local.named_queries}");
    expect(resolved(".", module(".").moduleCalls.get("analytics")!.body.queries_dir)).toEqual([
      "${local.repository_root}/queries",
    ]);
    expect(workgroup.enforce_workgroup_configuration).toBe(true);
    expect(workgroup.publish_cloudwatch_metrics_enabled).toBe(true);
    expect(asBodies(workgroup.engine_version)).toEqual([
      { selected_engine_version: "Athena engine version 3" },
    ]);
    expect(result.output_location).toBe("s3://${var.results_bucket_name}/${var.results_prefix}");
    expect(asBodies(result.encryption_configuration)).toHaveLength(1);
  });
});

describe("monitoring", () => {
  const alarms = () =>
    [...module("modules/monitoring").resources.values()].filter(
      (r) => r.type === "aws_cloudwatch_metric_alarm",
    );

  it("names the alarms exactly as the team agreed", () => {
    // Act
    const names = alarms().map((a) => a.body.alarm_name);

    // Assess
    expect(names.sort()).toEqual(
      ALARM_SUFFIXES.map((suffix) => `\${var.name_prefix}-${suffix}`).sort(),
    );
    expect(resource("modules/monitoring", "aws_cloudwatch_event_rule.crawler_failed").name).toBe(
      "${var.name_prefix}-crawler-failed",
    );
  });

  it("has an errors alarm for every function and an alarm for the dead-letter queues", () => {
    // Prepare
    const call = module(".").moduleCalls.get("monitoring")!.body;
    const functionModules = [...module(".").moduleCalls]
      .filter(([, c]) => ["./modules/extract", "./modules/transform"].includes(c.source))
      .map(([name]) => name);
    const watched = (metric: string, dimension: string) =>
      alarms()
        .filter((a) => a.body.metric_name === metric)
        .map(
          (a) =>
            /^\$\{var\.([\w]+)\}$/.exec(
              String((a.body.dimensions as Record<string, string>)[dimension]),
            )?.[1],
        )
        .map((variable) => call[variable ?? ""]);

    // Act
    const errorAlarms = watched("Errors", "FunctionName");
    const queueAlarms = watched("ApproximateNumberOfMessagesVisible", "QueueName");

    // Assess
    expect(functionModules.sort()).toEqual(["extract", "transform"]);
    for (const name of functionModules)
      expect(errorAlarms).toContain(`\${module.${name}.function_name}`);
    expect(queueAlarms).toContain("${module.ingest_queue.dead_letter_queue_name}");
    expect(queueAlarms).toContain("${module.extract.scheduler_dead_letter_queue_name}");
  });

  it("alarms on no TracksExtracted in 24 h with the dimensions Powertools emits", () => {
    // Act
    const alarm = resource("modules/monitoring", "aws_cloudwatch_metric_alarm.no_tracks_extracted");
    const call = module(".").moduleCalls.get("monitoring")!.body;

    // Assess
    expect(alarm.metric_name).toBe("TracksExtracted");
    expect(alarm.namespace).toBe("${var.metrics_namespace}");
    expect(alarm.dimensions).toEqual({ service: "${var.extract_service_name}" });
    expect(Number(alarm.period) * Number(alarm.evaluation_periods)).toBe(86400);
    expect(alarm.treat_missing_data).toBe("breaching");
    expect(call.metrics_namespace).toBe("${var.metrics_namespace}");
    // One local feeds both the dimension and the function's POWERTOOLS_SERVICE_NAME.
    expect(call.extract_service_name).toBe("${local.extract_service_name}");
    expect(String(module(".").locals.get("extract_environment")!.value)).toContain(
      "POWERTOOLS_SERVICE_NAME = local.extract_service_name",
    );
  });

  it("sends every alarm to the encrypted SNS topic", () => {
    // Assess
    for (const alarm of alarms()) {
      expect([alarm.name, alarm.body.alarm_actions]).toEqual([
        alarm.name,
        "${local.alarm_actions}",
      ]);
    }
    expect(module("modules/monitoring").locals.get("alarm_actions")!.value).toEqual([
      "${aws_sns_topic.alarms.arn}",
    ]);
    expect(resource("modules/monitoring", "aws_cloudwatch_event_target.crawler_failed").arn).toBe(
      "${aws_sns_topic.alarms.arn}",
    );
  });
});

describe("root module", () => {
  it("outputs every name an operator needs", () => {
    // Assess
    expect([...module(".").outputs.keys()].sort()).toEqual([...ROOT_OUTPUTS].sort());
  });

  it("ships a tfvars example and a partial S3 backend example", () => {
    // Act
    const tfvars = readFileSync(path.join(TERRAFORM_DIR, "terraform.tfvars.example"), "utf8");
    const backend = readFileSync(path.join(TERRAFORM_DIR, "backend.hcl.example"), "utf8");

    // Assess
    expect(tfvars).toMatch(/^playlist_ids = \[/m);
    expect(backend).toMatch(/^bucket\s+= /m);
    expect(backend).toMatch(/^key\s+= /m);
    expect(readFileSync(path.join(TERRAFORM_DIR, "versions.tf"), "utf8")).toContain(
      '# backend "s3" {}',
    );
  });
});
