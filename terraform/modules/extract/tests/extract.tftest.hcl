# terraform test: the extract function, its secret, its daily schedule with retries and a
# dead-letter queue, and its on-failure destination.

mock_provider "aws" {
  source = "../../tests/mocks"
}

override_resource {
  target = aws_sqs_queue.scheduler_dead_letter
  values = {
    arn = "arn:aws:sqs:eu-west-1:123456789012:spotify-etl-extract-schedule-dlq"
    id  = "https://sqs.eu-west-1.amazonaws.com/123456789012/spotify-etl-extract-schedule-dlq"
    url = "https://sqs.eu-west-1.amazonaws.com/123456789012/spotify-etl-extract-schedule-dlq"
  }
}

variables {
  name_prefix           = "spotify-etl"
  function_name         = "spotify-etl-extract"
  zip_path              = "../../tests/fixtures/function.zip"
  environment_variables = { DATA_BUCKET = "spotify-etl-dev-123456789012-eu-west-1", PLAYLIST_IDS = "3cEYpjA9oz9GiPac4AsH4n" }
  data_bucket_name      = "spotify-etl-dev-123456789012-eu-west-1"
  data_bucket_arn       = "arn:aws:s3:::spotify-etl-dev-123456789012-eu-west-1"
  raw_to_process_prefix = "raw_data/to_process/"
  lambda                = { memory_size_mb = 256, timeout_seconds = 300 }
  log_retention_days    = 30
  schedule_expression   = "cron(0 16 * * ? *)"
  schedule_timezone     = "UTC"
}

run "schedules_daily_with_retries_and_a_dead_letter_queue" {
  command = apply

  assert {
    condition     = aws_scheduler_schedule.this.schedule_expression == "cron(0 16 * * ? *)" && aws_scheduler_schedule.this.state == "ENABLED"
    error_message = "The extract runs on the given schedule, enabled unless schedule_enabled is false."
  }

  assert {
    condition     = one(one(aws_scheduler_schedule.this.target).retry_policy).maximum_retry_attempts == 3
    error_message = "The scheduler retries delivery."
  }

  assert {
    condition     = one(one(aws_scheduler_schedule.this.target).dead_letter_config).arn == aws_sqs_queue.scheduler_dead_letter.arn
    error_message = "Undelivered invocations go to the scheduler's dead-letter queue."
  }

  assert {
    condition     = one(one(aws_lambda_function_event_invoke_config.this.destination_config).on_failure).destination == aws_sqs_queue.scheduler_dead_letter.arn && aws_lambda_function_event_invoke_config.this.maximum_retry_attempts == 0
    error_message = "A failed run is not retried by Lambda and lands in the dead-letter queue."
  }

  assert {
    condition     = aws_sqs_queue.scheduler_dead_letter.sqs_managed_sse_enabled
    error_message = "The dead-letter queue must be encrypted."
  }

  assert {
    condition = anytrue([
      for s in jsondecode(aws_sqs_queue_policy.scheduler_dead_letter.policy).Statement :
      s.Effect == "Deny" && s.Principal == "*" && s.Resource == [aws_sqs_queue.scheduler_dead_letter.arn] &&
      s.Condition == { Bool = { "aws:SecureTransport" = "false" } }
    ])
    error_message = "The dead-letter queue refuses requests without TLS."
  }
}

run "policy_writes_only_to_process_and_its_own_secret_and_queue" {
  command = apply

  assert {
    condition = alltrue(flatten([
      for s in data.aws_iam_policy_document.function.statement : [for a in s.actions : !strcontains(a, "*")]
    ]))
    error_message = "No action may hold a wildcard."
  }

  assert {
    condition = toset(flatten([for s in data.aws_iam_policy_document.function.statement : [for g in setproduct(s.actions, s.resources) : join(" on ", g)]])) == toset([
      "s3:PutObject on ${var.data_bucket_arn}/raw_data/to_process/*",
      "s3:AbortMultipartUpload on ${var.data_bucket_arn}/raw_data/to_process/*",
      "secretsmanager:GetSecretValue on ${aws_secretsmanager_secret.spotify.arn}",
      "secretsmanager:PutSecretValue on ${aws_secretsmanager_secret.spotify.arn}",
      "sqs:SendMessage on ${aws_sqs_queue.scheduler_dead_letter.arn}",
    ])
    error_message = "The extract may only write snapshots to raw_data/to_process/, read and renew its secret and record failed runs in its dead-letter queue: nothing more, nowhere else."
  }

  assert {
    condition = toset(flatten([for s in data.aws_iam_policy_document.scheduler.statement : s.actions])) == toset([
      "lambda:InvokeFunction", "sqs:SendMessage",
    ])
    error_message = "The scheduler may invoke the function and dead-letter, nothing else."
  }

  assert {
    condition = (
      one(one(data.aws_iam_policy_document.scheduler_assume_role.statement).principals).identifiers == toset(["scheduler.amazonaws.com"]) &&
      [for c in one(data.aws_iam_policy_document.scheduler_assume_role.statement).condition : "${c.test} ${c.variable} ${join(",", c.values)}"] == ["StringEquals aws:SourceAccount 123456789012"]
    )
    error_message = "Only EventBridge Scheduler acting for this account may assume the scheduler role (aws:SourceAccount)."
  }
}

run "the_schedule_runs_in_the_given_time_zone" {
  command = plan
  variables { schedule_timezone = "Europe/Berlin" }

  assert {
    condition     = aws_scheduler_schedule.this.schedule_expression_timezone == "Europe/Berlin"
    error_message = "The schedule must run in schedule_timezone."
  }
}

run "a_customer_key_lets_the_scheduler_dead_letter" {
  command = apply
  variables { kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/0b6d4d4e-1111-2222-3333-444455556666" }

  assert {
    condition = toset(flatten([for s in data.aws_iam_policy_document.scheduler.statement : [for g in setproduct(s.actions, s.resources) : join(" on ", g)]])) == toset([
      "lambda:InvokeFunction on ${module.function.function_arn}",
      "lambda:InvokeFunction on ${module.function.function_arn}:*",
      "sqs:SendMessage on ${aws_sqs_queue.scheduler_dead_letter.arn}",
      "kms:Decrypt on ${var.kms_key_arn}",
      "kms:GenerateDataKey on ${var.kms_key_arn}",
    ])
    error_message = "With a KMS key the scheduler must be able to encrypt dead letters with that key (kms:Decrypt, kms:GenerateDataKey), and gets nothing else."
  }
}

run "refuses_an_environment_that_names_the_secret" {
  command = plan
  variables { environment_variables = { SPOTIFY_SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:x" } }
  expect_failures = [var.environment_variables]
}

run "refuses_a_prefix_without_slash" {
  command = plan
  variables { raw_to_process_prefix = "raw_data/to_process" }
  expect_failures = [var.raw_to_process_prefix]
}

run "refuses_a_recovery_window_secrets_manager_refuses" {
  command = plan
  variables { secret_recovery_window_days = 3 }
  expect_failures = [var.secret_recovery_window_days]
}

run "refuses_a_schedule_that_is_neither_cron_nor_rate" {
  command = plan
  variables { schedule_expression = "daily" }
  expect_failures = [var.schedule_expression]
}

run "refuses_more_scheduler_retries_than_allowed" {
  command = plan
  variables { schedule_maximum_retry_attempts = 186 }
  expect_failures = [var.schedule_maximum_retry_attempts]
}

run "refuses_a_scheduler_event_age_over_a_day" {
  command = plan
  variables { schedule_maximum_event_age_seconds = 86401 }
  expect_failures = [var.schedule_maximum_event_age_seconds]
}

run "refuses_more_than_two_async_retries" {
  command = plan
  variables { async_retry_attempts = 3 }
  expect_failures = [var.async_retry_attempts]
}

run "refuses_an_async_event_age_over_six_hours" {
  command = plan
  variables { async_maximum_event_age_seconds = 21601 }
  expect_failures = [var.async_maximum_event_age_seconds]
}
