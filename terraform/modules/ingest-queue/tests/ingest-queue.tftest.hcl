# terraform test: the ingest queue, its dead-letter queue, their policies and the bucket's
# S3 notification, planned and applied against a mock AWS provider.

mock_provider "aws" {
  source = "../../tests/mocks"
}

override_resource {
  target = aws_sqs_queue.dead_letter
  values = {
    arn = "arn:aws:sqs:eu-west-1:123456789012:spotify-etl-ingest-dlq"
    url = "https://sqs.eu-west-1.amazonaws.com/123456789012/spotify-etl-ingest-dlq"
    id  = "https://sqs.eu-west-1.amazonaws.com/123456789012/spotify-etl-ingest-dlq"
  }
}

variables {
  name                          = "spotify-etl-ingest"
  source_bucket_name            = "spotify-etl-dev-123456789012-eu-west-1"
  source_bucket_arn             = "arn:aws:s3:::spotify-etl-dev-123456789012-eu-west-1"
  notification_prefix           = "raw_data/to_process/"
  notification_suffixes         = { raw-snapshot-created = ".json", raw-chart-created = ".csv" }
  consumer_timeout_seconds      = 60
  visibility_timeout_seconds    = 360
  max_receive_count             = 5
  message_retention_seconds     = 345600
  dead_letter_retention_seconds = 1209600
  receive_wait_time_seconds     = 20
}

run "queues_are_encrypted_and_redrive_to_the_dlq" {
  command = apply

  assert {
    condition     = aws_sqs_queue.this.sqs_managed_sse_enabled && aws_sqs_queue.dead_letter.sqs_managed_sse_enabled
    error_message = "Without a KMS key both queues must use SSE-SQS."
  }

  assert {
    condition     = jsondecode(aws_sqs_queue.this.redrive_policy).deadLetterTargetArn == aws_sqs_queue.dead_letter.arn
    error_message = "The ingest queue must redrive to its dead-letter queue."
  }

  assert {
    condition     = jsondecode(aws_sqs_queue.this.redrive_policy).maxReceiveCount == 5
    error_message = "maxReceiveCount must be max_receive_count."
  }

  assert {
    condition     = aws_sqs_queue.this.visibility_timeout_seconds >= 6 * var.consumer_timeout_seconds
    error_message = "The visibility timeout must be at least 6 times the consumer's timeout."
  }

  assert {
    condition     = jsondecode(aws_sqs_queue_redrive_allow_policy.dead_letter.redrive_allow_policy) == { redrivePermission = "byQueue", sourceQueueArns = [aws_sqs_queue.this.arn] }
    error_message = "Only the ingest queue may dead-letter into the DLQ (redrivePermission byQueue, not allowAll)."
  }
}

run "a_customer_key_encrypts_both_queues" {
  command = plan

  variables {
    kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/0b6d4d4e-1111-2222-3333-444455556666"
  }

  assert {
    condition     = aws_sqs_queue.this.kms_master_key_id == var.kms_key_arn && aws_sqs_queue.dead_letter.kms_master_key_id == var.kms_key_arn
    error_message = "With a KMS key both queues must use it."
  }
}

run "both_queues_refuse_plain_http" {
  command = apply

  assert {
    condition = alltrue([
      for key, queue in { ingest = aws_sqs_queue.this, dead_letter = aws_sqs_queue.dead_letter } : anytrue([
        for s in jsondecode(aws_sqs_queue_policy.this[key].policy).Statement :
        s.Effect == "Deny" && s.Principal == "*" && s.Action == ["sqs:*"] && s.Resource == [queue.arn] &&
        s.Condition == { Bool = { "aws:SecureTransport" = "false" } }
      ])
    ])
    error_message = "Each queue's policy must deny every request without TLS."
  }

  assert {
    condition     = toset(keys(aws_sqs_queue_policy.this)) == toset(["dead_letter", "ingest"])
    error_message = "Both queues must carry a policy."
  }
}

run "only_the_data_lake_bucket_may_send" {
  command = apply

  assert {
    condition = one([
      for statement in data.aws_iam_policy_document.notifications.statement : statement
      if statement.effect == "Allow"
      ]).actions == toset(["sqs:SendMessage"]) && one([
      for statement in data.aws_iam_policy_document.notifications.statement : statement
      if statement.effect == "Allow"
    ]).resources == toset([aws_sqs_queue.this.arn])
    error_message = "S3 may only send messages, and only to the ingest queue."
  }

  assert {
    condition = anytrue([
      for c in one([for s in data.aws_iam_policy_document.notifications.statement : s if s.effect == "Allow"]).condition :
      c.variable == "aws:SourceArn" && toset(c.values) == toset([var.source_bucket_arn])
    ])
    error_message = "Sends must come from the data lake bucket (aws:SourceArn)."
  }

  assert {
    condition = anytrue([
      for c in one([for s in data.aws_iam_policy_document.notifications.statement : s if s.effect == "Allow"]).condition :
      c.test == "StringEquals" && c.variable == "aws:SourceAccount" && toset(c.values) == toset(["123456789012"])
    ])
    error_message = "Sends must come from this account (aws:SourceAccount): a bucket of that name in another account must not send."
  }

  assert {
    condition     = length([for s in jsondecode(aws_sqs_queue_policy.this["dead_letter"].policy).Statement : s if s.Effect == "Allow"]) == 0
    error_message = "Nothing may send to the dead-letter queue but SQS itself."
  }
}

run "notifies_on_new_json_and_csv_objects_under_to_process" {
  command = apply

  assert {
    condition = toset([
      for q in aws_s3_bucket_notification.this.queue : "${q.id} ${q.filter_prefix}*${q.filter_suffix}"
    ]) == toset(["raw-snapshot-created raw_data/to_process/*.json", "raw-chart-created raw_data/to_process/*.csv"])
    error_message = "The notification must cover raw_data/to_process/*.json and *.csv, one entry each."
  }

  assert {
    condition     = alltrue([for q in aws_s3_bucket_notification.this.queue : q.events == toset(["s3:ObjectCreated:*"]) && q.queue_arn == aws_sqs_queue.this.arn])
    error_message = "Only ObjectCreated events may be sent, to the ingest queue."
  }
}

# One run per variable validation: each bad value must be refused by its own rule.

run "refuses_a_bad_queue_name" {
  command = plan
  variables { name = "spotify etl" }
  expect_failures = [var.name]
}

run "refuses_a_source_that_is_not_a_bucket_arn" {
  command = plan
  variables { source_bucket_arn = "spotify-etl-dev" }
  expect_failures = [var.source_bucket_arn]
}

run "refuses_a_prefix_without_trailing_slash" {
  command = plan
  variables { notification_prefix = "raw_data/to_process" }
  expect_failures = [var.notification_prefix]
}

run "refuses_no_suffix" {
  command = plan
  variables { notification_suffixes = {} }
  expect_failures = [var.notification_suffixes]
}

run "refuses_a_suffix_without_dot" {
  command = plan
  variables { notification_suffixes = { raw-snapshot-created = "json" } }
  expect_failures = [var.notification_suffixes]
}

run "refuses_a_consumer_timeout_over_lambdas_limit" {
  command = plan
  variables { consumer_timeout_seconds = 901 }
  expect_failures = [var.consumer_timeout_seconds]
}

run "refuses_a_visibility_timeout_under_six_times_the_consumer_timeout" {
  command = plan
  variables { visibility_timeout_seconds = 300 }
  expect_failures = [var.visibility_timeout_seconds]
}

run "refuses_a_visibility_timeout_over_twelve_hours" {
  command = plan
  variables { visibility_timeout_seconds = 43201 }
  expect_failures = [var.visibility_timeout_seconds]
}

run "refuses_a_fractional_max_receive_count" {
  command = plan
  variables { max_receive_count = 2.5 }
  expect_failures = [var.max_receive_count]
}

run "refuses_a_max_receive_count_of_zero" {
  command = plan
  variables { max_receive_count = 0 }
  expect_failures = [var.max_receive_count]
}

run "refuses_a_retention_over_fourteen_days" {
  command = plan
  variables { message_retention_seconds = 1209601 }
  expect_failures = [var.message_retention_seconds]
}

run "refuses_a_dlq_that_keeps_messages_no_longer_than_the_queue" {
  command = plan
  variables { dead_letter_retention_seconds = 345600 }
  expect_failures = [var.dead_letter_retention_seconds]
}

run "refuses_a_long_poll_over_twenty_seconds" {
  command = plan
  variables { receive_wait_time_seconds = 21 }
  expect_failures = [var.receive_wait_time_seconds]
}
