/**
 * The offline Terraform checker must catch real mistakes: each case feeds it a small,
 * deliberately broken configuration and expects a finding (and a clean twin expects none).
 */
import {
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
  parseModule,
  type TfConfiguration,
  type TfModule,
} from "../../scripts/terraform/checker";
import { loadProviderSchema, type ProviderSchema } from "../../scripts/terraform/provider-schema";

let schema: ProviderSchema;

beforeAll(() => {
  schema = loadProviderSchema();
});

async function moduleOf(source: string, dir = "."): Promise<TfModule> {
  const findings: Finding[] = [];
  const module = await parseModule(dir, { "main.tf": source }, findings);
  if (findings.length > 0) throw new Error(formatFindings(findings));
  return module;
}

function messages(findings: Finding[]): string[] {
  return findings.map((f) => f.message);
}

describe("provider schema checks", () => {
  const valid = `
resource "aws_sqs_queue" "this" {
  name                    = "q"
  sqs_managed_sse_enabled = true
}
`;

  it("accepts a valid resource", async () => {
    // Act
    const findings = checkSchema(await moduleOf(valid), schema);

    // Assess
    expect(findings).toEqual([]);
  });

  it.each([
    [
      "a misspelt argument",
      `resource "aws_sqs_queue" "this" {\n  visibilty_timeout_seconds = 30\n}\n`,
      'aws_sqs_queue.this: unsupported argument or block "visibilty_timeout_seconds" (did you mean "visibility_timeout_seconds"?)',
    ],
    [
      "a missing required argument",
      `resource "aws_lambda_function" "this" {\n  function_name = "f"\n}\n`,
      'aws_lambda_function.this: required argument "role" is missing',
    ],
    [
      "a missing required block",
      `resource "aws_scheduler_schedule" "this" {\n  schedule_expression = "rate(1 day)"\n  flexible_time_window {\n    mode = "OFF"\n  }\n}\n`,
      'aws_scheduler_schedule.this: required block "target" is missing',
    ],
    [
      "an unknown resource type",
      `resource "aws_sqs_queues" "this" {\n  name = "q"\n}\n`,
      "aws_sqs_queues.this: aws_sqs_queues is not a resource type of registry.terraform.io/hashicorp/aws 6.25.0",
    ],
    [
      "a block written as an argument",
      `resource "aws_lambda_function" "this" {\n  function_name = "f"\n  role          = "r"\n  environment   = { variables = {} }\n}\n`,
      "aws_lambda_function.this: environment is a nested block: write `environment { ... }`, not `environment = ...`",
    ],
    [
      "an unknown argument inside a nested block",
      `resource "aws_lambda_event_source_mapping" "this" {\n  function_name = "f"\n  scaling_config {\n    max_concurrency = 2\n  }\n}\n`,
      'aws_lambda_event_source_mapping.this.scaling_config: unsupported argument or block "max_concurrency"',
    ],
    [
      "a repeated single block",
      `resource "aws_lambda_event_source_mapping" "this" {\n  function_name = "f"\n  scaling_config {\n    maximum_concurrency = 2\n  }\n  scaling_config {\n    maximum_concurrency = 3\n  }\n}\n`,
      'aws_lambda_event_source_mapping.this: at most one "scaling_config" block is allowed',
    ],
    [
      "a literal of the wrong kind",
      `resource "aws_sqs_queue" "this" {\n  visibility_timeout_seconds = "six minutes"\n}\n`,
      "aws_sqs_queue.this: visibility_timeout_seconds must be a number",
    ],
    [
      "a bad dynamic block",
      `data "aws_iam_policy_document" "this" {\n  dynamic "statment" {\n    for_each = []\n    content {\n      actions = ["s3:GetObject"]\n    }\n  }\n}\n`,
      'data.aws_iam_policy_document.this: dynamic "statment": no such nested block',
    ],
    [
      "a required argument missing in a dynamic block's content",
      `data "aws_iam_policy_document" "this" {\n  dynamic "statement" {\n    for_each = [1]\n    content {\n      condition {\n        test     = "Bool"\n        variable = "aws:SecureTransport"\n      }\n    }\n  }\n}\n`,
      'data.aws_iam_policy_document.this.statement.condition: required argument "values" is missing',
    ],
  ])("reports %s", async (_case, source, expected) => {
    // Act
    const findings = checkSchema(await moduleOf(source), schema);

    // Assess
    expect(messages(findings)).toContain(expected);
  });
});

describe("reference checks", () => {
  it("accepts references to declared things, iterators and count/each in their blocks", async () => {
    // Prepare
    const module = await moduleOf(`
variable "names" {
  type        = list(string)
  description = "n"
}
locals {
  upper = [for name in var.names : upper(name)]
}
resource "aws_sqs_queue" "this" {
  count = length(local.upper)
  name  = local.upper[count.index]
}
data "aws_iam_policy_document" "this" {
  dynamic "statement" {
    for_each = aws_sqs_queue.this
    content {
      actions   = ["sqs:SendMessage"]
      resources = [statement.value.arn]
    }
  }
}
output "json" {
  value       = data.aws_iam_policy_document.this.json
  description = "d"
}
`);

    // Act
    const findings = await checkReferences(module);

    // Assess
    expect(findings).toEqual([]);
  });

  it.each([
    [
      "an undeclared variable",
      `output "o" {\n  value = var.missing\n}\n`,
      "var.missing is not declared in .",
    ],
    [
      "an undefined local",
      `output "o" {\n  value = local.missing\n}\n`,
      "local.missing is not defined in .",
    ],
    [
      "an undeclared resource",
      `output "o" {\n  value = aws_sqs_queue.missing.arn\n}\n`,
      "aws_sqs_queue.missing is not declared in .",
    ],
    [
      "an undeclared data source",
      `output "o" {\n  value = data.aws_caller_identity.current.account_id\n}\n`,
      "data.aws_caller_identity.current is not declared in .",
    ],
    [
      "an unknown module",
      `output "o" {\n  value = module.nope.x\n}\n`,
      "module.nope is not called in .",
    ],
    [
      "count.index without count",
      `resource "aws_sqs_queue" "this" {\n  name = "q-\${count.index}"\n}\n`,
      "count.index used in a block without count",
    ],
    [
      "each.key without for_each",
      `resource "aws_sqs_queue" "this" {\n  name = each.key\n}\n`,
      "each.key used in a block without for_each",
    ],
    [
      "a reference inside a for expression's body",
      `locals {\n  names = [for n in ["a"] : "\${n}-\${var.suffix}"]\n}\n`,
      "var.suffix is not declared in .",
    ],
    [
      "a dependency on a missing resource",
      `resource "aws_sqs_queue" "this" {\n  name       = "q"\n  depends_on = [aws_sqs_queue_policy.this]\n}\n`,
      "aws_sqs_queue_policy.this is not declared in .",
    ],
  ])("reports %s", async (_case, source, expected) => {
    // Act
    const findings = await checkReferences(await moduleOf(source));

    // Assess
    expect(messages(findings)).toContain(expected);
  });

  it("reports a module output that does not exist", async () => {
    // Prepare
    const root = await moduleOf(`
module "queue" {
  source = "./modules/queue"
}
output "url" {
  value       = module.queue.queue_urll
  description = "d"
}
`);
    const child = await moduleOf(
      `output "queue_url" {\n  value       = "x"\n  description = "d"\n}\n`,
      "modules/queue",
    );
    const configuration: TfConfiguration = {
      rootDir: "/",
      modules: new Map([
        [".", root],
        ["modules/queue", child],
      ]),
    };

    // Act
    const findings = await checkReferences(root, configuration);

    // Assess
    expect(messages(findings)).toEqual([
      'module.queue.queue_urll: modules/queue has no output "queue_urll"',
    ]);
  });
});

describe("module call checks", () => {
  async function configurationWith(call: string): Promise<TfConfiguration> {
    const root = await moduleOf(call);
    const child = await moduleOf(
      `
variable "name" {
  type        = string
  description = "n"
}
variable "size" {
  type        = number
  description = "s"
  default     = 1
}
`,
      "modules/child",
    );
    return {
      rootDir: "/",
      modules: new Map([
        [".", root],
        ["modules/child", child],
      ]),
    };
  }

  it("accepts a call passing declared variables", async () => {
    // Prepare
    const configuration = await configurationWith(
      `module "c" {\n  source = "./modules/child"\n  name   = "x"\n}\n`,
    );

    // Act
    const findings = checkModuleCalls(configuration.modules.get(".")!, configuration);

    // Assess
    expect(findings).toEqual([]);
  });

  it("reports an undeclared variable and a missing required one", async () => {
    // Prepare
    const configuration = await configurationWith(
      `module "c" {\n  source = "./modules/child"\n  nmae   = "x"\n}\n`,
    );

    // Act
    const findings = checkModuleCalls(configuration.modules.get(".")!, configuration);

    // Assess
    expect(messages(findings)).toEqual([
      'module.c: modules/child declares no variable "nmae" (did you mean "name"?)',
      'module.c: required variable "name" of modules/child is not passed',
    ]);
  });

  it("reports a call to a module that is not there", async () => {
    // Prepare
    const configuration = await configurationWith(
      `module "c" {\n  source = "./modules/nothing"\n}\n`,
    );

    // Act
    const findings = checkModuleCalls(configuration.modules.get(".")!, configuration);

    // Assess
    expect(messages(findings)).toEqual(["module.c: no module at ./modules/nothing"]);
  });
});

describe("declaration checks", () => {
  it("reports variables without description or type, outputs without description, and unused ones", async () => {
    // Prepare
    const module = await moduleOf(`
variable "a" {
  default = 1
}
locals {
  b = 2
}
output "o" {
  value = 1
}
`);

    // Act
    const findings = [...checkVariableDeclarations(module), ...(await checkUnused(module))];

    // Assess
    expect(messages(findings)).toEqual([
      'variable "a" has no description',
      'variable "a" has no type',
      'output "o" has no description',
      'variable "a" is never used',
      'local "b" is never used',
    ]);
  });
});

describe("formatting check", () => {
  it("accepts formatted HCL and reports misaligned HCL", async () => {
    // Act
    const clean = await checkFormatting("a.tf", 'locals {\n  a   = 1\n  bcd = "x"\n}\n');
    const broken = await checkFormatting("a.tf", 'locals {\n  a = 1\n  bcd = "x"\n}\n');

    // Assess
    expect(clean).toEqual([]);
    expect(messages(broken)).toEqual([
      'not formatted as terraform fmt would (first difference at line 2: "  a   = 1")',
    ]);
  });
});

describe("IAM policy checks", () => {
  const policy = (statement: string, consumer = "aws_iam_role_policy") => `
data "aws_iam_policy_document" "this" {
  statement {
${statement}
  }
}
resource "${consumer}" "this" {
  policy = data.aws_iam_policy_document.this.json
}
`;

  it("accepts a scoped statement and a TLS-only deny with a wildcard action", async () => {
    // Prepare
    const module = await moduleOf(`
data "aws_iam_policy_document" "this" {
  statement {
    actions   = ["s3:PutObject"]
    resources = ["\${var.bucket_arn}/raw_data/to_process/*"]
  }
  statement {
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = ["*"]
  }
}
`);

    // Act
    const findings = checkPolicies(module);

    // Assess
    expect(findings).toEqual([]);
  });

  it.each([
    [
      "an action *",
      `    actions   = ["*"]\n    resources = ["arn:aws:s3:::b/x/*"]`,
      'action "*" grants a whole service',
    ],
    [
      "a service:* action",
      `    actions   = ["sqs:*"]\n    resources = ["arn:aws:sqs:us-east-1:1:q"]`,
      'action "sqs:*" grants a whole service',
    ],
    [
      "a resource *",
      `    actions   = ["s3:GetObject"]\n    resources = ["*"]`,
      'Resource "*" for s3:GetObject',
    ],
    [
      "logs actions beyond a log group",
      `    actions   = ["logs:PutLogEvents"]\n    resources = ["arn:aws:logs:us-east-1:1:*"]`,
      "logs actions on arn:aws:logs:us-east-1:1:*: scope them to a log group",
    ],
    [
      "an object grant on the whole bucket",
      `    actions   = ["s3:GetObject"]\n    resources = ["\${var.bucket_arn}/*"]`,
      "${var.bucket_arn}/* grants every object of the bucket: name a key prefix",
    ],
    [
      "NotAction in an Allow statement",
      `    not_actions = ["iam:*"]\n    resources   = ["arn:aws:s3:::b/x/*"]`,
      "NotAction in an Allow statement grants everything else",
    ],
  ])("reports %s", async (_case, statement, expected) => {
    // Act
    const findings = checkPolicies(await moduleOf(policy(statement)));

    // Assess
    expect(messages(findings)).toContain(
      `data.aws_iam_policy_document.this ((no sid)): ${expected}`,
    );
  });

  it('allows Resource "*" in a KMS key policy and for actions without resource-level permissions', async () => {
    // Prepare
    const keyPolicy = await moduleOf(
      policy(`    actions   = ["kms:Decrypt"]\n    resources = ["*"]`, "aws_kms_key"),
    );
    const metrics = await moduleOf(
      policy(`    actions   = ["cloudwatch:PutMetricData"]\n    resources = ["*"]`),
    );

    // Act
    const findings = [...checkPolicies(keyPolicy), ...checkPolicies(metrics)];

    // Assess
    expect(findings).toEqual([]);
  });

  it("reports an inline JSON policy the checks cannot see", async () => {
    // Prepare
    const module = await moduleOf(`
resource "aws_iam_role_policy" "this" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })
}
`);

    // Act
    const findings = checkPolicies(module);

    // Assess
    expect(messages(findings)).toEqual([
      "aws_iam_role_policy.this.policy must come from a data.aws_iam_policy_document (or a variable), so these checks see it",
    ]);
  });
});

describe("encryption checks", () => {
  it("accepts an encrypted, private, versioned, TLS-only bucket, an encrypted queue and topic", async () => {
    // Prepare
    const module = await moduleOf(`
resource "aws_s3_bucket" "this" {
  bucket = "b"
}
resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}
resource "aws_s3_bucket_public_access_block" "this" {
  bucket                  = aws_s3_bucket.this.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}
resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id
  versioning_configuration {
    status = "Enabled"
  }
}
data "aws_iam_policy_document" "tls" {
  statement {
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.this.arn]
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}
resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = data.aws_iam_policy_document.tls.json
}
resource "aws_sqs_queue" "this" {
  kms_master_key_id = var.key
}
resource "aws_sns_topic" "this" {
  kms_master_key_id = var.key
}
`);

    // Act
    const findings = checkEncryption(module);

    // Assess
    expect(findings).toEqual([]);
  });

  it("reports an unencrypted, public, unversioned bucket without a TLS policy, and plain queue and topic", async () => {
    // Prepare
    const module = await moduleOf(`
resource "aws_s3_bucket" "this" {
  bucket = "b"
}
resource "aws_s3_bucket_public_access_block" "this" {
  bucket                  = aws_s3_bucket.this.id
  block_public_acls       = true
  block_public_policy     = false
  ignore_public_acls      = true
  restrict_public_buckets = true
}
resource "aws_sqs_queue" "this" {
  name                    = "q"
  sqs_managed_sse_enabled = false
}
resource "aws_sns_topic" "this" {
  name = "t"
}
`);

    // Act
    const findings = checkEncryption(module);

    // Assess
    expect(messages(findings)).toEqual([
      "aws_s3_bucket.this: no aws_s3_bucket_server_side_encryption_configuration",
      "aws_s3_bucket.this: no aws_s3_bucket_public_access_block with all four blocks on",
      "aws_s3_bucket.this: versioning is not enabled",
      "aws_s3_bucket.this: no bucket policy denying requests without TLS (aws:SecureTransport false)",
      "aws_sns_topic.this: kms_master_key_id is not set",
      "aws_sqs_queue.this: neither sqs_managed_sse_enabled nor kms_master_key_id is set",
      "aws_sqs_queue.this: sqs_managed_sse_enabled is false",
    ]);
  });
});
