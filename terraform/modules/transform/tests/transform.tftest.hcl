# terraform test: the transform function, fed by the ingest queue with partial batch responses,
# and its least-privilege policy.

mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  function_name                   = "spotify-etl-transform"
  zip_path                        = "../../tests/fixtures/function.zip"
  lambda                          = { memory_size_mb = 512, timeout_seconds = 60 }
  log_retention_days              = 30
  environment_variables           = { DATA_BUCKET = "spotify-etl-dev-123456789012-eu-west-1" }
  data_bucket_name                = "spotify-etl-dev-123456789012-eu-west-1"
  data_bucket_arn                 = "arn:aws:s3:::spotify-etl-dev-123456789012-eu-west-1"
  raw_prefix                      = "raw_data/"
  raw_to_process_prefix           = "raw_data/to_process/"
  raw_processed_prefix            = "raw_data/processed/"
  transformed_prefix              = "transformed_data/"
  queue_arn                       = "arn:aws:sqs:eu-west-1:123456789012:spotify-etl-ingest"
  glue_crawler_name               = "spotify-etl"
  batch_size                      = 10
  maximum_batching_window_seconds = 5
  maximum_concurrency             = 2
}

run "consumes_the_queue_with_partial_batch_responses_and_a_concurrency_cap" {
  command = apply

  assert {
    condition     = aws_lambda_event_source_mapping.this.event_source_arn == var.queue_arn && aws_lambda_event_source_mapping.this.function_response_types == toset(["ReportBatchItemFailures"])
    error_message = "The mapping must read the ingest queue and report failed records only."
  }

  assert {
    condition     = one(aws_lambda_event_source_mapping.this.scaling_config).maximum_concurrency == 2 && aws_lambda_event_source_mapping.this.batch_size == 10
    error_message = "Batch size and maximum concurrency must be the configured ones."
  }

  assert {
    condition     = aws_lambda_event_source_mapping.this.enabled
    error_message = "The mapping must deliver messages unless event_source_enabled is false."
  }
}

run "pauses_delivery_when_the_event_source_is_disabled" {
  command = plan
  variables { event_source_enabled = false }

  assert {
    condition     = aws_lambda_event_source_mapping.this.enabled == false
    error_message = "event_source_enabled = false must create the mapping disabled."
  }
}

run "policy_has_no_wildcard_action_and_stays_in_its_prefixes_and_queue" {
  command = apply

  assert {
    condition = alltrue(flatten([
      for s in data.aws_iam_policy_document.function.statement : [for a in s.actions : !strcontains(a, "*")]
    ]))
    error_message = "No action may hold a wildcard."
  }

  assert {
    condition = alltrue(flatten([
      for s in data.aws_iam_policy_document.function.statement : [
        for r in s.resources : r == var.data_bucket_arn || anytrue([
          for prefix in [var.raw_prefix, var.raw_to_process_prefix, var.raw_processed_prefix, var.transformed_prefix] :
          r == "${var.data_bucket_arn}/${prefix}*"
        ])
      ] if anytrue([for a in s.actions : startswith(a, "s3:")])
    ]))
    error_message = "S3 access must be scoped to the bucket's raw and transformed prefixes."
  }

  assert {
    condition = alltrue([
      for s in data.aws_iam_policy_document.function.statement : s.resources == toset([var.queue_arn])
      if anytrue([for a in s.actions : startswith(a, "sqs:")])
    ])
    error_message = "Queue access must be scoped to the ingest queue."
  }

  assert {
    condition = toset(flatten([
      for s in data.aws_iam_policy_document.function.statement : s.actions if anytrue([for r in s.resources : r == "${var.data_bucket_arn}/${var.transformed_prefix}*"])
    ])) == toset(["s3:PutObject", "s3:DeleteObjectVersion"])
    error_message = "On transformed_data/ the function writes and removes its own versions by id, nothing else."
  }

  assert {
    condition = toset(flatten([
      for s in data.aws_iam_policy_document.function.statement : s.actions if anytrue([for r in s.resources : r == "${var.data_bucket_arn}/${var.raw_to_process_prefix}*"])
    ])) == toset(["s3:DeleteObject"])
    error_message = "On to_process/ the function only leaves a delete marker: no permanent delete of a raw snapshot."
  }

  assert {
    condition = toset(flatten([for s in data.aws_iam_policy_document.function.statement : [for g in setproduct(s.actions, s.resources) : join(" on ", g)]])) == toset([
      "s3:GetObject on ${var.data_bucket_arn}/raw_data/*",
      "s3:ListBucket on ${var.data_bucket_arn}",
      "s3:PutObject on ${var.data_bucket_arn}/transformed_data/*",
      "s3:PutObject on ${var.data_bucket_arn}/raw_data/processed/*",
      "s3:DeleteObject on ${var.data_bucket_arn}/raw_data/to_process/*",
      "s3:DeleteObjectVersion on ${var.data_bucket_arn}/transformed_data/*",
      "sqs:ReceiveMessage on ${var.queue_arn}",
      "sqs:DeleteMessage on ${var.queue_arn}",
      "sqs:ChangeMessageVisibility on ${var.queue_arn}",
      "sqs:GetQueueAttributes on ${var.queue_arn}",
      "glue:StartCrawler on arn:aws:glue:eu-west-1:123456789012:crawler/spotify-etl",
    ])
    error_message = "The function may only read raw snapshots, write tables and processed snapshots, delete moved snapshots and its own table versions, consume the ingest queue and start its own crawler: nothing more, nowhere else."
  }

  assert {
    condition     = contains(flatten([for s in data.aws_iam_policy_document.function.statement : s.actions]), "sqs:ChangeMessageVisibility")
    error_message = "Permanent failures are made visible at once: sqs:ChangeMessageVisibility is needed."
  }
}

run "refuses_a_queue_that_is_not_an_sqs_arn" {
  command = plan
  variables { queue_arn = "spotify-etl-ingest" }
  expect_failures = [var.queue_arn]
}

run "refuses_a_batch_over_ten_thousand" {
  command = plan
  variables { batch_size = 10001 }
  expect_failures = [var.batch_size]
}

run "refuses_a_batching_window_over_five_minutes" {
  command = plan
  variables { maximum_batching_window_seconds = 301 }
  expect_failures = [var.maximum_batching_window_seconds]
}

run "refuses_a_batch_over_ten_without_a_batching_window" {
  command = plan
  variables {
    batch_size                      = 100
    maximum_batching_window_seconds = 0
  }
  expect_failures = [var.maximum_batching_window_seconds]
}

run "refuses_a_maximum_concurrency_under_two" {
  command = plan
  variables { maximum_concurrency = 1 }
  expect_failures = [var.maximum_concurrency]
}
