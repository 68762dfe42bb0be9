# One Lambda function from a zip built by `make build` (dist/<name>.zip holding index.mjs):
# its execution role with the caller's policy, and its log group, created before the
# function so Lambda never creates one without retention.

data "aws_iam_policy_document" "assume_role" {
  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  name               = var.function_name
  description        = "Execution role of the ${var.function_name} Lambda function."
  assume_role_policy = data.aws_iam_policy_document.assume_role.json

  tags = var.tags
}

resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_338:Retention is log_retention_days (default 30, to keep cost low); set 365 where policy asks for a year.
  name              = "/aws/lambda/${var.function_name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = var.tags
}

# Writing its own logs (and so its EMF metrics: Powertools Metrics writes them to the log,
# which is why no cloudwatch:PutMetricData is granted).
data "aws_iam_policy_document" "logs" {
  statement {
    sid       = "WriteOwnLogs"
    effect    = "Allow"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this.arn}:*"]
  }
}

resource "aws_iam_role_policy" "logs" {
  name   = "logs"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.logs.json
}

# With a customer key, the role decrypts the environment and reads and writes what the key
# encrypts (bucket objects, queue messages): both functions need it, so it is granted here.
data "aws_iam_policy_document" "kms" {
  count = var.kms_key_arn == null ? 0 : 1

  statement {
    sid       = "UseDataKey"
    effect    = "Allow"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.kms_key_arn]
  }
}

resource "aws_iam_role_policy" "kms" {
  count = var.kms_key_arn == null ? 0 : 1

  name   = "kms"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.kms[0].json
}

resource "aws_iam_role_policy" "this" {
  name   = var.policy_name
  role   = aws_iam_role.this.id
  policy = var.policy_json
}

resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_50:X-Ray tracing costs money and needs xray:* on "*"; Powertools logs and metrics are the observability (docs/DEPLOY.md).
  #checkov:skip=CKV_AWS_116:Failures are kept elsewhere: the transform's in the ingest queue's DLQ (redrive), the extract's in its on-failure destination.
  #checkov:skip=CKV_AWS_117:No VPC: the functions reach only Spotify and AWS APIs, and a VPC would need a NAT gateway (cost) for Spotify.
  #checkov:skip=CKV_AWS_173:The environment holds no secrets (Terraform refuses Spotify credentials there); a customer key encrypts it when kms_key_arn is set.
  #checkov:skip=CKV_AWS_272:The zips are built by `make build` on the deployer's machine; code signing needs an AWS Signer profile the user may add.
  function_name    = var.function_name
  description      = var.description
  role             = aws_iam_role.this.arn
  filename         = var.zip_path
  source_code_hash = filebase64sha256(var.zip_path)
  handler          = var.handler
  runtime          = var.lambda.runtime
  architectures    = [var.lambda.architecture]
  memory_size      = var.lambda.memory_size_mb
  timeout          = var.lambda.timeout_seconds

  reserved_concurrent_executions = var.reserved_concurrent_executions
  # The environment holds no secrets; with a customer key it is encrypted with that key.
  kms_key_arn = var.kms_key_arn

  environment {
    variables = var.environment_variables
  }

  tags = var.tags

  # The log group must exist first, and the role must hold its permissions before anything
  # (an event source mapping, a schedule) starts using the function.
  depends_on = [
    aws_cloudwatch_log_group.this,
    aws_iam_role_policy.logs,
    aws_iam_role_policy.kms,
    aws_iam_role_policy.this,
  ]
}
