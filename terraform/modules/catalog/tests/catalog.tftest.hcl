# terraform test: the Glue database and crawler, one S3 target per table.

mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  database_name       = "spotify_etl_dev"
  crawler_name        = "spotify-etl"
  data_bucket_name    = "spotify-etl-dev-123456789012-eu-west-1"
  data_bucket_arn     = "arn:aws:s3:::spotify-etl-dev-123456789012-eu-west-1"
  transformed_prefix  = "transformed_data/"
  table_names         = jsondecode(file("../../../config/s3-layout.json")).tables
  schedule_expression = "cron(30 16 * * ? *)"
}

run "crawls_one_target_per_table" {
  command = apply

  assert {
    condition = toset([for t in aws_glue_crawler.this.s3_target : t.path]) == toset([
      for table in ["songs", "albums", "artists", "playlists", "chart_positions"] :
      "s3://spotify-etl-dev-123456789012-eu-west-1/transformed_data/${table}/"
    ])
    error_message = "The crawler must have exactly one S3 target per table, chart_positions included."
  }

  assert {
    condition     = jsondecode(aws_glue_crawler.this.configuration).Grouping.TableLevelConfiguration == 3
    error_message = "Tables sit at level 3, counting the bucket as level 1 (bucket/transformed_data/<table>/)."
  }

  assert {
    condition     = aws_glue_crawler.this.security_configuration == aws_glue_security_configuration.this.name
    error_message = "The crawler must use the security configuration."
  }

  assert {
    condition = alltrue(flatten([
      for s in data.aws_iam_policy_document.crawler.statement : [for a in s.actions : !endswith(a, ":*") && a != "*"]
    ]))
    error_message = "The crawler's policy may not grant whole services."
  }

  assert {
    condition = one([
      for s in data.aws_iam_policy_document.crawler.statement : s.resources if s.sid == "ReadTables"
    ]) == toset(["${var.data_bucket_arn}/transformed_data/*"])
    error_message = "The crawler reads transformed_data/ only."
  }

  assert {
    condition     = one(aws_glue_crawler.this.schema_change_policy) == { update_behavior = "UPDATE_IN_DATABASE", delete_behavior = "LOG" }
    error_message = "A crawler run must update tables and only log vanished ones: deleting them from the database would drop tables Athena queries."
  }

  assert {
    condition     = aws_glue_crawler.this.schedule == var.schedule_expression
    error_message = "The crawler must run on schedule_expression, the safety net after the daily extract."
  }
}

run "refuses_a_database_name_athena_cannot_query" {
  command = plan
  variables { database_name = "Spotify-ETL" }
  expect_failures = [var.database_name]
}

run "refuses_a_prefix_without_slash" {
  command = plan
  variables { transformed_prefix = "transformed_data" }
  expect_failures = [var.transformed_prefix]
}

run "refuses_no_tables" {
  command = plan
  variables { table_names = [] }
  expect_failures = [var.table_names]
}

run "refuses_a_table_name_with_capitals" {
  command = plan
  variables { table_names = ["playlist_tracks", "Artists"] }
  expect_failures = [var.table_names]
}

run "refuses_a_schedule_that_is_not_cron" {
  command = plan
  variables { schedule_expression = "rate(1 day)" }
  expect_failures = [var.schedule_expression]
}
