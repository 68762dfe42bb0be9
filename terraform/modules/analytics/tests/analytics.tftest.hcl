# terraform test: the Athena workgroup (enforced, encrypted, engine v3) and one named query per
# queries/*.sql file.

mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  workgroup_name                 = "spotify-etl"
  database_name                  = "spotify_etl_dev"
  results_bucket_name            = "spotify-etl-dev-123456789012-eu-west-1"
  results_prefix                 = "athena-results/"
  queries_dir                    = "../../../queries"
  bytes_scanned_cutoff_per_query = 1073741824
}

run "workgroup_is_enforced_and_encrypted" {
  command = apply

  assert {
    condition     = one(aws_athena_workgroup.this.configuration).enforce_workgroup_configuration
    error_message = "Queries must not override the workgroup's settings."
  }

  assert {
    condition     = one(one(one(aws_athena_workgroup.this.configuration).result_configuration).encryption_configuration).encryption_option == "SSE_S3"
    error_message = "Results must be encrypted (SSE-S3 without a KMS key)."
  }

  assert {
    condition     = one(one(aws_athena_workgroup.this.configuration).result_configuration).output_location == "s3://spotify-etl-dev-123456789012-eu-west-1/athena-results/"
    error_message = "Results go under athena-results/."
  }

  assert {
    condition     = toset(keys(aws_athena_named_query.this)) == toset([for f in fileset(var.queries_dir, "*.sql") : trimsuffix(f, ".sql")]) && length(aws_athena_named_query.this) > 0
    error_message = "Every queries/*.sql file must become a named query."
  }

  assert {
    condition     = alltrue([for q in aws_athena_named_query.this : !strcontains(q.query, "{{day_charts}}")])
    error_message = "Athena must store full statements, with queries/shared/day_charts.sql spliced in."
  }

  assert {
    condition     = strcontains(aws_athena_named_query.this["latest_chart"].query, "WITH snapshots AS (") && strcontains(aws_athena_named_query.this["latest_chart"].query, "\nday_charts AS (")
    error_message = "latest_chart must hold the snapshots and day_charts CTEs of queries/shared/day_charts.sql."
  }
}

run "a_customer_key_encrypts_results" {
  command = plan
  variables { kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/0b6d4d4e-1111-2222-3333-444455556666" }

  assert {
    condition     = one(one(one(aws_athena_workgroup.this.configuration).result_configuration).encryption_configuration).encryption_option == "SSE_KMS"
    error_message = "With a KMS key results must use SSE-KMS."
  }
}

run "refuses_a_workgroup_name_athena_would_refuse" {
  command = plan
  variables { workgroup_name = "spotify etl" }
  expect_failures = [var.workgroup_name]
}

run "refuses_a_results_prefix_without_slash" {
  command = plan
  variables { results_prefix = "athena-results" }
  expect_failures = [var.results_prefix]
}

run "refuses_a_scan_limit_under_athenas_minimum" {
  command = plan
  variables { bytes_scanned_cutoff_per_query = 1024 }
  expect_failures = [var.bytes_scanned_cutoff_per_query]
}
