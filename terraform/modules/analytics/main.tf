# Athena: a workgroup whose settings every query must use (engine v3, encrypted results
# under athena-results/, a scan limit), and the named queries kept in queries/*.sql, the
# same files the local mode runs with DuckDB (queries/shared/ holds the CTEs they splice in).

locals {
  query_files = fileset(var.queries_dir, "*.sql")
  # A query that needs each day's chart holds this marker where its CTEs start; Athena stores
  # the full statement, spliced as scripts/lib/named-queries.ts splices it for DuckDB.
  day_charts_marker = "{{day_charts}}"
  day_charts_sql    = trimspace(file("${var.queries_dir}/shared/day_charts.sql"))
  named_queries = {
    for query_file in local.query_files : trimsuffix(query_file, ".sql") => {
      sql = replace(file("${var.queries_dir}/${query_file}"), local.day_charts_marker, local.day_charts_sql)
      # Each file opens with a `-- ` line saying what it answers.
      description = trimspace(trimprefix(split("\n", file("${var.queries_dir}/${query_file}"))[0], "--"))
    }
  }
}

resource "aws_athena_workgroup" "this" {
  name          = var.workgroup_name
  description   = "Queries over the ${var.database_name} Glue database."
  state         = "ENABLED"
  force_destroy = var.force_destroy

  configuration {
    enforce_workgroup_configuration    = true
    publish_cloudwatch_metrics_enabled = true
    bytes_scanned_cutoff_per_query     = var.bytes_scanned_cutoff_per_query

    engine_version {
      selected_engine_version = "Athena engine version 3"
    }

    result_configuration {
      output_location = "s3://${var.results_bucket_name}/${var.results_prefix}"

      encryption_configuration {
        encryption_option = var.kms_key_arn == null ? "SSE_S3" : "SSE_KMS"
        kms_key_arn       = var.kms_key_arn
      }
    }
  }

  tags = var.tags
}

resource "aws_athena_named_query" "this" {
  for_each = local.named_queries

  name        = each.key
  description = substr(each.value.description, 0, 1024)
  database    = var.database_name
  workgroup   = aws_athena_workgroup.this.id
  query       = each.value.sql
}
