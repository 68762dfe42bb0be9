# terraform test: one Lambda function from a zip, its role, its log group (created first, with
# retention) and its policies.

mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  function_name = "spotify-etl-transform"
  zip_path      = "../../tests/fixtures/function.zip"
  policy_json = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::bucket/raw_data/*" }]
  })
  environment_variables = { DATA_BUCKET = "bucket" }
  lambda                = { memory_size_mb = 256, timeout_seconds = 60 }
  log_retention_days    = 30
}

run "deploys_the_zip_with_its_log_group_and_role" {
  command = apply

  assert {
    condition     = aws_lambda_function.this.filename == var.zip_path && aws_lambda_function.this.source_code_hash == filebase64sha256(var.zip_path)
    error_message = "The function must deploy the zip, redeploying when its content changes."
  }

  assert {
    condition     = aws_lambda_function.this.handler == "index.handler" && aws_lambda_function.this.runtime == "nodejs22.x" && aws_lambda_function.this.architectures == tolist(["arm64"])
    error_message = "Defaults: index.handler on nodejs22.x, arm64."
  }

  assert {
    condition     = aws_lambda_function.this.reserved_concurrent_executions == -1
    error_message = "By default the function's concurrency must be unreserved (-1): 0 would throttle every invocation."
  }

  assert {
    condition     = aws_cloudwatch_log_group.this.name == "/aws/lambda/spotify-etl-transform" && aws_cloudwatch_log_group.this.retention_in_days == 30
    error_message = "The log group must be the function's, with retention."
  }

  assert {
    condition     = aws_lambda_function.this.environment[0].variables == var.environment_variables
    error_message = "The environment must be passed unchanged."
  }

  assert {
    condition     = aws_iam_role_policy.this.policy == var.policy_json && aws_iam_role_policy.this.role == aws_iam_role.this.id
    error_message = "The caller's policy must be attached to the function's role."
  }

  assert {
    condition = (
      one(data.aws_iam_policy_document.logs.statement).resources == toset(["${aws_cloudwatch_log_group.this.arn}:*"]) &&
      toset(one(data.aws_iam_policy_document.logs.statement).actions) == toset(["logs:CreateLogStream", "logs:PutLogEvents"])
    )
    error_message = "The function may write only its own log group, and may not create groups."
  }

  assert {
    condition = (
      one(one(data.aws_iam_policy_document.assume_role.statement).principals).identifiers == toset(["lambda.amazonaws.com"])
    )
    error_message = "Only Lambda may assume the role."
  }

  assert {
    condition     = length(aws_iam_role_policy.kms) == 0
    error_message = "Without a KMS key the role gets no KMS permission."
  }
}

run "a_customer_key_encrypts_logs_and_environment" {
  command = plan

  variables {
    kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/0b6d4d4e-1111-2222-3333-444455556666"
  }

  assert {
    condition     = aws_cloudwatch_log_group.this.kms_key_id == var.kms_key_arn && aws_lambda_function.this.kms_key_arn == var.kms_key_arn
    error_message = "With a KMS key the log group and the environment must use it."
  }

  assert {
    condition = (
      one(data.aws_iam_policy_document.kms[0].statement).resources == toset([var.kms_key_arn]) &&
      toset(one(data.aws_iam_policy_document.kms[0].statement).actions) == toset(["kms:Decrypt", "kms:GenerateDataKey"]) &&
      aws_iam_role_policy.kms[0].role == aws_iam_role.this.id
    )
    error_message = "With a KMS key the function's role may decrypt and generate data keys with that key only."
  }
}

run "refuses_a_function_name_lambda_would_refuse" {
  command = plan
  variables { function_name = "spotify.etl" }
  expect_failures = [var.function_name]
}

run "refuses_a_path_that_is_not_a_zip" {
  command = plan
  variables { zip_path = "../../tests/fixtures/function.mjs" }
  expect_failures = [var.zip_path]
}

run "takes_every_lambda_setting_up_to_lambdas_limits" {
  command = plan

  # nodejs24.x passes the validation too, but AWS provider releases before 6.x refuse it.
  variables {
    lambda = { runtime = "nodejs22.x", architecture = "x86_64", memory_size_mb = 10240, timeout_seconds = 900 }
  }

  assert {
    condition = (
      aws_lambda_function.this.runtime == "nodejs22.x" && aws_lambda_function.this.architectures == tolist(["x86_64"]) &&
      aws_lambda_function.this.memory_size == 10240 && aws_lambda_function.this.timeout == 900
    )
    error_message = "Each field of lambda must reach the function, up to 10240 MB and 900 s."
  }
}

run "a_null_runtime_and_architecture_take_the_defaults" {
  command = plan

  # What extract and transform pass when the root's lambda leaves both unset.
  variables {
    lambda = { runtime = null, architecture = null, memory_size_mb = 128, timeout_seconds = 1 }
  }

  assert {
    condition = (
      aws_lambda_function.this.runtime == "nodejs22.x" && aws_lambda_function.this.architectures == tolist(["arm64"]) &&
      aws_lambda_function.this.memory_size == 128 && aws_lambda_function.this.timeout == 1
    )
    error_message = "Null runtime and architecture must become nodejs22.x and arm64; 128 MB and 1 s are allowed."
  }
}

run "refuses_an_unsupported_runtime" {
  command = plan
  variables { lambda = { runtime = "nodejs18.x", memory_size_mb = 256, timeout_seconds = 60 } }
  expect_failures = [var.lambda]
}

run "refuses_an_unknown_architecture" {
  command = plan
  variables { lambda = { architecture = "arm", memory_size_mb = 256, timeout_seconds = 60 } }
  expect_failures = [var.lambda]
}

run "refuses_memory_under_lambdas_range" {
  command = plan
  variables { lambda = { memory_size_mb = 64, timeout_seconds = 60 } }
  expect_failures = [var.lambda]
}

run "refuses_memory_over_lambdas_range" {
  command = plan
  variables { lambda = { memory_size_mb = 10241, timeout_seconds = 60 } }
  expect_failures = [var.lambda]
}

run "refuses_a_timeout_under_a_second" {
  command = plan
  variables { lambda = { memory_size_mb = 256, timeout_seconds = 0 } }
  expect_failures = [var.lambda]
}

run "refuses_a_timeout_over_fifteen_minutes" {
  command = plan
  variables { lambda = { memory_size_mb = 256, timeout_seconds = 901 } }
  expect_failures = [var.lambda]
}

run "refuses_a_fractional_memory_size" {
  command = plan
  variables { lambda = { memory_size_mb = 256.5, timeout_seconds = 60 } }
  expect_failures = [var.lambda]
}

run "refuses_a_fractional_timeout" {
  command = plan
  variables { lambda = { memory_size_mb = 256, timeout_seconds = 1.5 } }
  expect_failures = [var.lambda]
}

run "refuses_a_missing_memory_size" {
  command = plan
  variables { lambda = { memory_size_mb = null, timeout_seconds = 60 } }
  expect_failures = [var.lambda]
}

run "refuses_a_negative_reserved_concurrency_other_than_minus_one" {
  command = plan
  variables { reserved_concurrent_executions = -2 }
  expect_failures = [var.reserved_concurrent_executions]
}

run "refuses_a_policy_without_statements" {
  command = plan
  variables { policy_json = "{}" }
  expect_failures = [var.policy_json]
}

run "refuses_a_retention_cloudwatch_does_not_offer" {
  command = plan
  variables { log_retention_days = 10 }
  expect_failures = [var.log_retention_days]
}

run "refuses_a_kms_key_that_is_not_an_arn" {
  command = plan
  variables { kms_key_arn = "alias/logs" }
  expect_failures = [var.kms_key_arn]
}
