# terraform test: the whole pipeline as `make deploy` plans it, against a mock AWS provider
# (tests/mocks), and one run per validation of the root variables.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  playlist_ids = ["3cEYpjA9oz9GiPac4AsH4n"]
}

run "deploys_the_pipeline_with_the_shared_settings" {
  command = apply

  assert {
    condition     = local.data_bucket_name == "spotify-etl-dev-123456789012-eu-west-1"
    error_message = "The bucket is named <name_prefix>-<environment>-<account>-<region>."
  }

  assert {
    condition     = module.ingest_queue.visibility_timeout_seconds == jsondecode(file("../config/queue-settings.json")).visibilityTimeoutSeconds
    error_message = "The queue's visibility timeout comes from config/queue-settings.json."
  }

  assert {
    condition     = module.ingest_queue.visibility_timeout_seconds >= 6 * module.transform.timeout_seconds
    error_message = "The visibility timeout must be at least 6 times the transform timeout."
  }

  assert {
    condition     = output.extract_function_name == "spotify-etl-extract" && output.transform_function_name == "spotify-etl-transform"
    error_message = "Function names are <name_prefix>-extract and -transform."
  }

  assert {
    condition     = length(module.monitoring.alarm_names) == 10 && alltrue([for n in module.monitoring.alarm_names : startswith(n, "spotify-etl-")])
    error_message = "Every alarm is named <name_prefix>-<signal>."
  }

  assert {
    condition     = module.data_lake.retention == {}
    error_message = "By default nothing expires: raw and transformed data are kept."
  }
}

run "lambda_settings_reach_each_function_field_by_field" {
  command = plan

  variables {
    lambda = { architecture = "x86_64", transform = { memory_size_mb = 1024 } }
  }

  assert {
    condition = (
      local.extract_lambda.runtime == null && local.extract_lambda.architecture == "x86_64" &&
      local.extract_lambda.memory_size_mb == 256 && local.extract_lambda.timeout_seconds == 300 &&
      local.transform_lambda.runtime == null && local.transform_lambda.architecture == "x86_64" &&
      local.transform_lambda.memory_size_mb == 1024 &&
      local.transform_lambda.timeout_seconds == jsondecode(file("../config/queue-settings.json")).transformTimeoutSeconds
    )
    error_message = "Unset fields keep their defaults (256 MB and 300 s for the extract, 512 MB and the queue settings' timeout for the transform); set ones reach the function they name."
  }

  assert {
    condition     = module.transform.timeout_seconds == jsondecode(file("../config/queue-settings.json")).transformTimeoutSeconds
    error_message = "The transform's timeout comes from config/queue-settings.json unless lambda.transform.timeout_seconds is set."
  }
}

run "retention_expires_the_layout_prefixes" {
  command = plan

  variables {
    raw_data_expiration_days         = 90
    transformed_data_expiration_days = 400
  }

  assert {
    condition = module.data_lake.retention == {
      raw-data         = { prefix = jsondecode(file("../config/s3-layout.json")).rawPrefix, days = 90 }
      transformed-data = { prefix = jsondecode(file("../config/s3-layout.json")).transformedPrefix, days = 400 }
    }
    error_message = "Retention expires raw_data/ and transformed_data/ as config/s3-layout.json names them."
  }
}

run "refuses_a_name_prefix_with_capitals" {
  command = plan
  variables { name_prefix = "Spotify" }
  expect_failures = [var.name_prefix]
}

run "refuses_an_environment_with_a_hyphen" {
  command = plan
  variables { environment = "dev-1" }
  expect_failures = [var.environment]
}

run "refuses_a_region_that_is_not_a_code" {
  command = plan
  variables { aws_region = "Ireland" }
  expect_failures = [var.aws_region]
}

run "refuses_a_kms_alias_for_a_key_arn" {
  command = plan
  variables { kms_key_arn = "alias/spotify" }
  expect_failures = [var.kms_key_arn]
}

run "refuses_the_example_placeholder" {
  command = plan
  variables { playlist_ids = ["<id-of-a-playlist-you-own-or-collaborate-on>"] }
  expect_failures = [var.playlist_ids]
}

run "refuses_no_playlists" {
  command = plan
  variables { playlist_ids = [] }
  expect_failures = [var.playlist_ids]
}

run "refuses_a_lowercase_market" {
  command = plan
  variables { spotify_market = "us" }
  expect_failures = [var.spotify_market]
}

run "refuses_an_extract_timeout_under_thirty_seconds" {
  command = plan
  variables { lambda = { extract = { timeout_seconds = 10 } } }
  expect_failures = [var.lambda]
}

run "refuses_an_unknown_log_level" {
  command = plan
  variables { log_level = "VERBOSE" }
  expect_failures = [var.log_level]
}

run "refuses_an_aws_namespace" {
  command = plan
  variables { metrics_namespace = "AWS/Lambda" }
  expect_failures = [var.metrics_namespace]
}

run "refuses_spotify_credentials_in_the_environment" {
  command = plan
  variables { extract_extra_environment = { SPOTIFY_CLIENT_SECRET = "s3cr3t" } }
  expect_failures = [var.extract_extra_environment]
}

run "refuses_to_replace_the_crawler_name" {
  command = plan
  variables { transform_extra_environment = { GLUE_CRAWLER_NAME = "other" } }
  expect_failures = [var.transform_extra_environment]
}

run "refuses_processed_expiration_before_the_default_transition" {
  command = plan
  variables { raw_processed_expiration_days = 30 }
  expect_failures = [var.raw_processed_expiration_days]
}
