# The transform function: consumes the ingest queue, writes each raw snapshot as Parquet
# tables under transformed_data/, moves the raw object to raw_data/processed/ and starts
# the Glue crawler.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  bucket_objects = "${var.data_bucket_arn}/"
  crawler_arn    = "arn:${data.aws_partition.current.partition}:glue:${data.aws_region.current.id}:${data.aws_caller_identity.current.account_id}:crawler/${var.glue_crawler_name}"
}

data "aws_iam_policy_document" "function" {
  statement {
    sid       = "ReadRawSnapshots"
    effect    = "Allow"
    actions   = ["s3:GetObject"]
    resources = ["${local.bucket_objects}${var.raw_prefix}*"]
  }

  # Without ListBucket, S3 answers 403 instead of 404 for a missing key, and the function
  # could not tell "already processed" from "not there" (redelivered messages).
  statement {
    sid       = "TellMissingKeysApart"
    effect    = "Allow"
    actions   = ["s3:ListBucket"]
    resources = [var.data_bucket_arn]
  }

  statement {
    sid     = "WriteTablesAndProcessedSnapshots"
    effect  = "Allow"
    actions = ["s3:PutObject"]
    resources = [
      "${local.bucket_objects}${var.transformed_prefix}*",
      "${local.bucket_objects}${var.raw_processed_prefix}*",
    ]
  }

  # The raw object leaves to_process/ after its move as a delete marker: its versions stay, and
  # no permanent delete is granted there.
  statement {
    sid       = "RemoveMovedSnapshots"
    effect    = "Allow"
    actions   = ["s3:DeleteObject"]
    resources = ["${local.bucket_objects}${var.raw_to_process_prefix}*"]
  }

  # An attempt whose table writes partly failed removes the versions it wrote, by version id,
  # never another delivery's (a plain delete would hide the current tables behind a marker).
  statement {
    sid       = "RemoveOwnTableVersions"
    effect    = "Allow"
    actions   = ["s3:DeleteObjectVersion"]
    resources = ["${local.bucket_objects}${var.transformed_prefix}*"]
  }

  statement {
    sid    = "ConsumeIngestQueue"
    effect = "Allow"
    actions = [
      "sqs:ReceiveMessage",
      "sqs:DeleteMessage",
      "sqs:ChangeMessageVisibility",
      "sqs:GetQueueAttributes",
    ]
    resources = [var.queue_arn]
  }

  dynamic "statement" {
    for_each = var.glue_crawler_name == null ? [] : [local.crawler_arn]
    content {
      sid       = "StartCrawler"
      effect    = "Allow"
      actions   = ["glue:StartCrawler"]
      resources = [statement.value]
    }
  }
}

# With kms_key_arn, modules/lambda-function grants the role the key (UseDataKey).
module "function" {
  source = "../lambda-function"

  function_name         = var.function_name
  description           = "Turns raw Spotify snapshots in s3://${var.data_bucket_name}/${var.raw_to_process_prefix} into Parquet tables"
  zip_path              = var.zip_path
  lambda                = var.lambda
  environment_variables = var.environment_variables
  policy_json           = data.aws_iam_policy_document.function.json
  log_retention_days    = var.log_retention_days
  kms_key_arn           = var.kms_key_arn

  tags = var.tags
}

resource "aws_lambda_event_source_mapping" "this" {
  event_source_arn                   = var.queue_arn
  function_name                      = module.function.function_arn
  enabled                            = var.event_source_enabled
  batch_size                         = var.batch_size
  maximum_batching_window_in_seconds = var.maximum_batching_window_seconds
  # The handler reports failed records; only those return to the queue.
  function_response_types = ["ReportBatchItemFailures"]

  scaling_config {
    maximum_concurrency = var.maximum_concurrency
  }

  tags = var.tags
}
