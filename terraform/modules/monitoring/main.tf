# Operations: an SNS topic for alarms, the alarms themselves (names fixed across the team:
# scripts/ops.ts and docs/RUNBOOK.md refer to them), an EventBridge rule for failed crawler
# runs, and a dashboard with the same signals.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account    = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.id
  partition  = data.aws_partition.current.partition
  create_key = var.kms_key_arn == null
  topic_key  = local.create_key ? aws_kms_key.alarms[0].arn : var.kms_key_arn
  # CloudWatch alarm periods: five minutes for operational signals.
  period                          = 300
  transform_duration_threshold_ms = floor(var.transform_timeout_seconds * 1000 * var.duration_alarm_ratio)
  alarm_actions                   = [aws_sns_topic.alarms.arn]
}

# SNS topics encrypted with the AWS-managed key cannot receive CloudWatch alarms or
# EventBridge events (its key policy cannot be changed), so the topic gets a customer key
# unless one is given.
data "aws_iam_policy_document" "alarm_key" {
  #checkov:skip=CKV_AWS_109:A key policy: "*" is this key only, and the account root must administer it (AWS's default key policy).
  #checkov:skip=CKV_AWS_111:A key policy: "*" is this key only; writes are limited to the account and to CloudWatch/EventBridge of this account.
  #checkov:skip=CKV_AWS_356:A key policy: "*" as resource means this key, never another.
  count = local.create_key ? 1 : 0

  statement {
    sid    = "AccountAdministersKey"
    effect = "Allow"
    actions = [
      "kms:Create*",
      "kms:Describe*",
      "kms:Enable*",
      "kms:List*",
      "kms:Put*",
      "kms:Update*",
      "kms:Revoke*",
      "kms:Disable*",
      "kms:Get*",
      "kms:Delete*",
      "kms:TagResource",
      "kms:UntagResource",
      "kms:ScheduleKeyDeletion",
      "kms:CancelKeyDeletion",
      "kms:RotateKeyOnDemand",
      "kms:Encrypt",
      "kms:Decrypt",
      "kms:ReEncrypt*",
      "kms:GenerateDataKey*",
    ]
    # In a key policy, "*" means this key.
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account}:root"]
    }
  }

  statement {
    sid       = "AlarmsEncrypt"
    effect    = "Allow"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account]
    }
  }

  # SNS does not support aws:SourceAccount or aws:SourceArn in a key policy for EventBridge
  # publishing to an encrypted topic: with one, every crawler-failed message is denied. The
  # topic policy's CrawlerFailedRulePublishes statement limits who publishes.
  statement {
    sid       = "CrawlerFailedRuleEncrypts"
    effect    = "Allow"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
  }
}

resource "aws_kms_key" "alarms" {
  count = local.create_key ? 1 : 0

  description             = "Encrypts the ${var.name_prefix} alarm topic."
  enable_key_rotation     = true
  deletion_window_in_days = 7
  policy                  = data.aws_iam_policy_document.alarm_key[0].json

  tags = var.tags
}

resource "aws_kms_alias" "alarms" {
  count = local.create_key ? 1 : 0

  name          = "alias/${var.name_prefix}-alarms"
  target_key_id = aws_kms_key.alarms[0].key_id
}

resource "aws_sns_topic" "alarms" {
  name              = "${var.name_prefix}-alarms"
  kms_master_key_id = local.topic_key

  tags = var.tags
}

data "aws_iam_policy_document" "topic" {
  statement {
    sid       = "CloudWatchAlarmsPublish"
    effect    = "Allow"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alarms.arn]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${local.partition}:cloudwatch:${local.region}:${local.account}:alarm:${var.name_prefix}-*"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account]
    }
  }

  statement {
    sid       = "CrawlerFailedRulePublishes"
    effect    = "Allow"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alarms.arn]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [aws_cloudwatch_event_rule.crawler_failed.arn]
    }
  }
}

module "topic_policy" {
  source = "../tls-only-policy"

  actions                 = ["sns:Publish"]
  resources               = [aws_sns_topic.alarms.arn]
  source_policy_documents = [data.aws_iam_policy_document.topic.json]
}

resource "aws_sns_topic_policy" "alarms" {
  arn    = aws_sns_topic.alarms.arn
  policy = module.topic_policy.json
}

resource "aws_sns_topic_subscription" "email" {
  count = var.alarm_email == null ? 0 : 1

  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = var.alarm_email
}

# --- Alarms ---------------------------------------------------------------------------------

locals {
  lambda_alarm_defaults = { namespace = "AWS/Lambda", statistic = "Sum", period = local.period, comparison_operator = "GreaterThanThreshold", threshold = 0, treat_missing_data = "notBreaching" }
  queue_alarm_defaults  = { namespace = "AWS/SQS", statistic = "Maximum", period = local.period, comparison_operator = "GreaterThanThreshold", threshold = 0, treat_missing_data = "notBreaching" }

  # Alarm names are <name_prefix>-<key>; docs/RUNBOOK.md has one entry per key.
  alarms = {
    extract-errors = merge(local.lambda_alarm_defaults, {
      description = "The extract function failed: a playlist could not be snapshotted (see its log; the failed event is in ${var.scheduler_dead_letter_queue_name})."
      metric_name = "Errors"
      dimensions  = { FunctionName = var.extract_function_name }
    })
    transform-errors = merge(local.lambda_alarm_defaults, {
      description = "The transform function failed as a whole (records it reports as failed are retried and counted in RecordsFailed)."
      metric_name = "Errors"
      dimensions  = { FunctionName = var.transform_function_name }
    })
    extract-throttles = merge(local.lambda_alarm_defaults, {
      description = "Lambda throttled the extract function (account concurrency exhausted)."
      metric_name = "Throttles"
      dimensions  = { FunctionName = var.extract_function_name }
    })
    transform-throttles = merge(local.lambda_alarm_defaults, {
      description = "Lambda throttled the transform function; messages wait in the ingest queue."
      metric_name = "Throttles"
      dimensions  = { FunctionName = var.transform_function_name }
    })
    transform-duration-near-timeout = merge(local.lambda_alarm_defaults, {
      description         = "A transform run took over ${floor(var.duration_alarm_ratio * 100)}% of its ${var.transform_timeout_seconds}s timeout: raise the timeout (and the visibility timeout with it) or the memory."
      metric_name         = "Duration"
      dimensions          = { FunctionName = var.transform_function_name }
      statistic           = "Maximum"
      comparison_operator = "GreaterThanOrEqualToThreshold"
      threshold           = local.transform_duration_threshold_ms
    })
    # Powertools Metrics emits with exactly one dimension, service (POWERTOOLS_SERVICE_NAME); an
    # alarm must name the same dimension set to see the metric. Missing data breaches here: a
    # day without any extract run is exactly what this alarm is for.
    no-tracks-extracted = {
      description         = "No TracksExtracted in the last 24 hours: the daily extract did not run or read nothing."
      namespace           = var.metrics_namespace
      metric_name         = "TracksExtracted"
      dimensions          = { service = var.extract_service_name }
      statistic           = "Sum"
      period              = 86400
      comparison_operator = "LessThanThreshold"
      threshold           = 1
      treat_missing_data  = "breaching"
    }
    # Spotify ends a refresh token six months after the login that issued it, however often
    # it is used. The extract reports the token's age on each run that uses one; day 150 leaves
    # a month to log in again. No data means no refresh token in use (client credentials).
    refresh-token-age = {
      description         = "The Spotify refresh token was issued ${var.refresh_token_age_threshold_days} or more days ago; Spotify ends it 180 days after the login: run `make spotify-login` again."
      namespace           = var.metrics_namespace
      metric_name         = "RefreshTokenAgeDays"
      dimensions          = { service = var.extract_service_name }
      statistic           = "Maximum"
      period              = 86400
      comparison_operator = "GreaterThanOrEqualToThreshold"
      threshold           = var.refresh_token_age_threshold_days
      treat_missing_data  = "notBreaching"
    }
    dlq-not-empty = merge(local.queue_alarm_defaults, {
      description = "Raw objects failed ${var.max_receive_count} times, or could never succeed, and wait in ${var.dead_letter_queue_name}: fix the cause, then `make replay-dlq`."
      metric_name = "ApproximateNumberOfMessagesVisible"
      dimensions  = { QueueName = var.dead_letter_queue_name }
    })
    ingest-oldest-message-age = merge(local.queue_alarm_defaults, {
      description         = "A raw object has waited over ${var.oldest_message_age_threshold_seconds}s in ${var.queue_name}: the transform is failing, throttled or disabled."
      metric_name         = "ApproximateAgeOfOldestMessage"
      dimensions          = { QueueName = var.queue_name }
      comparison_operator = "GreaterThanOrEqualToThreshold"
      threshold           = var.oldest_message_age_threshold_seconds
    })
    scheduler-dlq-not-empty = merge(local.queue_alarm_defaults, {
      description = "An extract run did not succeed: EventBridge Scheduler could not invoke the function, or the run failed (see the messages in ${var.scheduler_dead_letter_queue_name})."
      metric_name = "ApproximateNumberOfMessagesVisible"
      dimensions  = { QueueName = var.scheduler_dead_letter_queue_name }
    })
  }
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = local.alarms

  alarm_name          = "${var.name_prefix}-${each.key}"
  alarm_description   = each.value.description
  namespace           = each.value.namespace
  metric_name         = each.value.metric_name
  dimensions          = each.value.dimensions
  statistic           = each.value.statistic
  period              = each.value.period
  evaluation_periods  = 1
  comparison_operator = each.value.comparison_operator
  threshold           = each.value.threshold
  treat_missing_data  = each.value.treat_missing_data
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  tags = var.tags
}

# --- Glue crawler ---------------------------------------------------------------------------

resource "aws_cloudwatch_event_rule" "crawler_failed" {
  name        = "${var.name_prefix}-crawler-failed"
  description = "A run of the ${var.crawler_name} Glue crawler failed."

  event_pattern = jsonencode({
    source        = ["aws.glue"]
    "detail-type" = ["Glue Crawler State Change"]
    detail = {
      crawlerName = [var.crawler_name]
      state       = ["Failed"]
    }
  })

  tags = var.tags
}

resource "aws_cloudwatch_event_target" "crawler_failed" {
  rule      = aws_cloudwatch_event_rule.crawler_failed.name
  target_id = "alarm-topic"
  arn       = aws_sns_topic.alarms.arn

  input_transformer {
    input_paths = {
      crawler = "$.detail.crawlerName"
      message = "$.detail.errorMessage"
      time    = "$.time"
    }
    input_template = "\"Glue crawler <crawler> failed at <time>: <message>\""
  }
}

# --- Dashboard ------------------------------------------------------------------------------

locals {
  lambda_metric_names = ["Invocations", "Errors", "Throttles"]
  # The two functions side by side: left the extract, right the transform. Each gets a panel of
  # its Lambda metrics and one of what it emits in var.metrics_namespace (daily sums).
  dashboard_functions = [
    {
      title             = "Extract"
      function_name     = var.extract_function_name
      service           = var.extract_service_name
      namespace_metrics = ["TracksExtracted", "PlaylistsExtracted", "PlaylistsFailed", "SpotifyRequests", "SpotifyRetries429", "SpotifyRetries5xx"]
    },
    {
      title             = "Transform"
      function_name     = var.transform_function_name
      service           = var.transform_service_name
      namespace_metrics = ["SnapshotsTransformed", "RecordsFailed", "SongsRowsWritten", "EntriesSkippedNull", "EntriesSkippedLocal", "EntriesSkippedEpisode"]
    },
  ]
  # Per function: its Lambda metrics (top row) and its own metrics as daily sums (lower row).
  function_widgets = flatten([
    for column, fn in local.dashboard_functions : [
      for panel in [
        {
          title   = "${fn.title} function"
          y       = 5
          period  = local.period
          metrics = [for name in local.lambda_metric_names : ["AWS/Lambda", name, "FunctionName", fn.function_name]]
        },
        {
          title   = "${fn.title} (${var.metrics_namespace})"
          y       = 17
          period  = 86400
          metrics = [for name in fn.namespace_metrics : [var.metrics_namespace, name, "service", fn.service]]
        },
        ] : {
        type       = "metric"
        x          = 12 * column
        y          = panel.y
        width      = 12
        height     = 6
        properties = { title = panel.title, region = local.region, stat = "Sum", period = panel.period, metrics = panel.metrics }
      }
    ]
  ])
  dashboard_widgets = concat([
    {
      type   = "text"
      x      = 0
      y      = 0
      width  = 24
      height = 2
      properties = {
        markdown = "## ${var.name_prefix}\nDaily Spotify snapshots: extract -> S3 -> ingest queue -> transform -> Glue crawler -> Athena. Alarms notify `${aws_sns_topic.alarms.name}`; the runbook is docs/RUNBOOK.md."
      }
    },
    {
      type   = "alarm"
      x      = 0
      y      = 2
      width  = 24
      height = 3
      properties = {
        title  = "Alarms"
        alarms = [for alarm in aws_cloudwatch_metric_alarm.this : alarm.arn]
      }
    },
    ], local.function_widgets, [
    {
      type   = "metric"
      x      = 0
      y      = 11
      width  = 12
      height = 6
      properties = {
        title  = "Transform duration (ms) against its timeout"
        region = local.region
        stat   = "Maximum"
        period = local.period
        metrics = [
          ["AWS/Lambda", "Duration", "FunctionName", var.transform_function_name],
          ["AWS/Lambda", "Duration", "FunctionName", var.extract_function_name],
        ]
        annotations = {
          horizontal = [
            { label = "transform timeout", value = var.transform_timeout_seconds * 1000 },
            { label = "alarm", value = local.transform_duration_threshold_ms },
          ]
        }
      }
    },
    {
      type   = "metric"
      x      = 12
      y      = 11
      width  = 12
      height = 6
      properties = {
        title  = "Queues"
        region = local.region
        stat   = "Maximum"
        period = local.period
        metrics = [
          ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", var.queue_name, { label = "ingest visible" }],
          ["AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", var.queue_name, { label = "ingest oldest (s)", yAxis = "right" }],
          ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", var.dead_letter_queue_name, { label = "dead-letter queue" }],
          ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", var.scheduler_dead_letter_queue_name, { label = "scheduler DLQ" }],
        ]
      }
    },
    {
      type   = "metric"
      x      = 0
      y      = 23
      width  = 12
      height = 6
      properties = {
        title  = "Refresh token age (days)"
        region = local.region
        stat   = "Maximum"
        period = 86400
        metrics = [
          [var.metrics_namespace, "RefreshTokenAgeDays", "service", var.extract_service_name],
        ]
        annotations = {
          horizontal = [
            { label = "alarm", value = var.refresh_token_age_threshold_days },
            { label = "Spotify ends the token", value = 180 },
          ]
        }
      }
    },
  ])
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = var.name_prefix
  dashboard_body = jsonencode({ widgets = local.dashboard_widgets })
}
