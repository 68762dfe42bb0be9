# The ingest queue between the data lake and the transform: S3 notifies it of every new raw
# snapshot; messages that fail max_receive_count times move to the dead-letter queue, from
# where an operator replays them (`make replay-dlq`).

data "aws_caller_identity" "current" {}

locals {
  sse_sqs_managed = var.kms_key_arn == null
}

resource "aws_sqs_queue" "dead_letter" {
  name                      = "${var.name}-dlq"
  message_retention_seconds = var.dead_letter_retention_seconds

  sqs_managed_sse_enabled           = local.sse_sqs_managed ? true : null
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = local.sse_sqs_managed ? null : 3600

  tags = var.tags
}

resource "aws_sqs_queue" "this" {
  name                       = var.name
  visibility_timeout_seconds = var.visibility_timeout_seconds
  message_retention_seconds  = var.message_retention_seconds
  receive_wait_time_seconds  = var.receive_wait_time_seconds

  sqs_managed_sse_enabled           = local.sse_sqs_managed ? true : null
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = local.sse_sqs_managed ? null : 3600

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dead_letter.arn
    maxReceiveCount     = var.max_receive_count
  })

  tags = var.tags
}

# Only the ingest queue may dead-letter into the DLQ (and a DLQ redrive may move messages back).
resource "aws_sqs_queue_redrive_allow_policy" "dead_letter" {
  queue_url = aws_sqs_queue.dead_letter.id

  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.this.arn]
  })
}

locals {
  queues = {
    ingest      = aws_sqs_queue.this
    dead_letter = aws_sqs_queue.dead_letter
  }
}

# Only the data lake bucket of this account may send S3 notifications to the ingest queue.
data "aws_iam_policy_document" "notifications" {
  statement {
    sid       = "AllowDataLakeNotifications"
    effect    = "Allow"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.this.arn]

    principals {
      type        = "Service"
      identifiers = ["s3.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [var.source_bucket_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

# Both queues refuse requests that do not use TLS; the ingest queue also takes S3's notifications.
module "queue_policy" {
  source   = "../tls-only-policy"
  for_each = local.queues

  actions                 = ["sqs:*"]
  resources               = [each.value.arn]
  source_policy_documents = each.key == "ingest" ? [data.aws_iam_policy_document.notifications.json] : []
}

resource "aws_sqs_queue_policy" "this" {
  for_each = local.queues

  queue_url = each.value.id
  policy    = module.queue_policy[each.key].json
}

# S3 checks that it may send to the queue when the notification is saved, so the queue
# policy must exist first. A bucket has one notification configuration: this is it.
resource "aws_s3_bucket_notification" "this" {
  bucket = var.source_bucket_name

  # One entry per suffix: S3 filters take one suffix each, and overlapping filters are refused.
  dynamic "queue" {
    for_each = var.notification_suffixes
    content {
      id            = queue.key
      queue_arn     = aws_sqs_queue.this.arn
      events        = ["s3:ObjectCreated:*"]
      filter_prefix = var.notification_prefix
      filter_suffix = queue.value
    }
  }

  depends_on = [aws_sqs_queue_policy.this]
}

# The ingest queue's policy was a single resource before both queues got a TLS-only policy.
moved {
  from = aws_sqs_queue_policy.this
  to   = aws_sqs_queue_policy.this["ingest"]
}
