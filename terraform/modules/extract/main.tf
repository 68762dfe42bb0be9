# The extract function: snapshots the configured Spotify playlists into
# raw_data/to_process/ every day, run by an EventBridge Scheduler schedule.

data "aws_caller_identity" "current" {}

locals {
  uses_kms = var.kms_key_arn != null
}

# The Spotify app credentials ({"client_id", "client_secret"} and optionally
# "refresh_token"). Terraform creates the empty secret only: its value is put out of band
# (docs/DEPLOY.md) so it never lands in Terraform state.
resource "aws_secretsmanager_secret" "spotify" {
  #checkov:skip=CKV2_AWS_57:Spotify client secrets are rotated in Spotify's dashboard, not by a Lambda; the extract stores refresh tokens Spotify rotates itself.
  name                    = "${var.name_prefix}/spotify"
  description             = "Spotify app credentials of ${var.name_prefix}: JSON {\"client_id\", \"client_secret\"} and optionally \"refresh_token\"."
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = var.secret_recovery_window_days

  tags = var.tags
}

data "aws_iam_policy_document" "function" {
  # AbortMultipartUpload: snapshots over 8 MiB go up in parts, aborted if a part fails.
  statement {
    sid       = "WriteRawSnapshots"
    effect    = "Allow"
    actions   = ["s3:PutObject", "s3:AbortMultipartUpload"]
    resources = ["${var.data_bucket_arn}/${var.raw_to_process_prefix}*"]
  }

  # PutSecretValue: the function stores a renewed refresh token when Spotify rotates it.
  statement {
    sid       = "ReadSpotifyCredentials"
    effect    = "Allow"
    actions   = ["secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue"]
    resources = [aws_secretsmanager_secret.spotify.arn]
  }

  # The on-failure destination: the function's role sends the failed event and its error.
  statement {
    sid       = "RecordFailedRuns"
    effect    = "Allow"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.scheduler_dead_letter.arn]
  }
}

# With kms_key_arn, modules/lambda-function grants the role the key (UseDataKey).
module "function" {
  source = "../lambda-function"

  function_name         = var.function_name
  description           = "Snapshots Spotify playlists into s3://${var.data_bucket_name}/${var.raw_to_process_prefix}"
  zip_path              = var.zip_path
  lambda                = var.lambda
  environment_variables = merge(var.environment_variables, { SPOTIFY_SECRET_ARN = aws_secretsmanager_secret.spotify.arn })
  policy_json           = data.aws_iam_policy_document.function.json
  log_retention_days    = var.log_retention_days
  kms_key_arn           = var.kms_key_arn

  tags = var.tags
}

# The scheduler invokes asynchronously. Lambda's own async retries are off by default: a
# retry after one playlist failed would snapshot the others a second time that day. The
# errors alarm reports the failure; the failed event and its error land in the dead-letter
# queue below; `make invoke-extract` re-runs it by hand.
resource "aws_lambda_function_event_invoke_config" "this" {
  function_name                = module.function.function_name
  maximum_retry_attempts       = var.async_retry_attempts
  maximum_event_age_in_seconds = var.async_maximum_event_age_seconds

  destination_config {
    on_failure {
      destination = aws_sqs_queue.scheduler_dead_letter.arn
    }
  }

  # The function's role sends the failure record; it must hold that permission first.
  depends_on = [module.function]
}

# Extract runs that did not succeed: invocations the scheduler could not deliver (after its
# retry policy), and failed runs with their error (the function's on-failure destination).
resource "aws_sqs_queue" "scheduler_dead_letter" {
  name                      = "${var.function_name}-schedule-dlq"
  message_retention_seconds = 1209600

  sqs_managed_sse_enabled           = local.uses_kms ? null : true
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = local.uses_kms ? 3600 : null

  tags = var.tags
}

module "scheduler_dead_letter_policy" {
  source = "../tls-only-policy"

  actions   = ["sqs:*"]
  resources = [aws_sqs_queue.scheduler_dead_letter.arn]
}

resource "aws_sqs_queue_policy" "scheduler_dead_letter" {
  queue_url = aws_sqs_queue.scheduler_dead_letter.id
  policy    = module.scheduler_dead_letter_policy.json
}

data "aws_iam_policy_document" "scheduler_assume_role" {
  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["scheduler.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role" "scheduler" {
  name               = "${var.function_name}-scheduler"
  description        = "Lets EventBridge Scheduler invoke ${var.function_name}."
  assume_role_policy = data.aws_iam_policy_document.scheduler_assume_role.json

  tags = var.tags
}

data "aws_iam_policy_document" "scheduler" {
  statement {
    sid       = "InvokeExtract"
    effect    = "Allow"
    actions   = ["lambda:InvokeFunction"]
    resources = [module.function.function_arn, "${module.function.function_arn}:*"]
  }

  statement {
    sid       = "DeadLetterUndeliveredInvocations"
    effect    = "Allow"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.scheduler_dead_letter.arn]
  }

  dynamic "statement" {
    for_each = local.uses_kms ? [var.kms_key_arn] : []
    content {
      sid       = "EncryptDeadLetters"
      effect    = "Allow"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [statement.value]
    }
  }
}

resource "aws_iam_role_policy" "scheduler" {
  name   = "invoke-extract"
  role   = aws_iam_role.scheduler.id
  policy = data.aws_iam_policy_document.scheduler.json
}

resource "aws_scheduler_schedule" "this" {
  #checkov:skip=CKV_AWS_297:The schedule's input is `{}`, nothing to protect; a customer key encrypts it when kms_key_arn is set.
  name                         = var.function_name
  description                  = "Runs ${var.function_name} (${var.schedule_expression} ${var.schedule_timezone})."
  schedule_expression          = var.schedule_expression
  schedule_expression_timezone = var.schedule_timezone
  state                        = var.schedule_enabled ? "ENABLED" : "DISABLED"
  kms_key_arn                  = var.kms_key_arn

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = module.function.function_arn
    role_arn = aws_iam_role.scheduler.arn
    # An empty event: the function reads PLAYLIST_IDS from its environment.
    input = jsonencode({})

    retry_policy {
      maximum_retry_attempts       = var.schedule_maximum_retry_attempts
      maximum_event_age_in_seconds = var.schedule_maximum_event_age_seconds
    }

    dead_letter_config {
      arn = aws_sqs_queue.scheduler_dead_letter.arn
    }
  }

  depends_on = [aws_iam_role_policy.scheduler]
}
