# The Glue Data Catalog side: a database and a crawler over transformed_data/ that makes one
# table per folder (songs, albums, artists, playlists) partitioned by snapshot_date.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  arn_prefix = "arn:${data.aws_partition.current.partition}"
  account    = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.id
  glue_arn   = "${local.arn_prefix}:glue:${local.region}:${local.account}"
  # Tables sit one level below the prefix: transformed_data/<table>/ is level 2 when the
  # prefix is one folder deep (the bucket's top-level folder is level 1).
  table_level = length(split("/", trimsuffix(var.transformed_prefix, "/"))) + 1
  # Crawlers log to this shared group; it is created by Glue on first use.
  crawler_log_group_arn = "${local.arn_prefix}:logs:${local.region}:${local.account}:log-group:/aws-glue/crawlers"
}

resource "aws_glue_catalog_database" "this" {
  name        = var.database_name
  description = "Spotify playlist snapshots (tables songs, albums, artists, playlists) of s3://${var.data_bucket_name}/${var.transformed_prefix}"

  tags = var.tags
}

data "aws_iam_policy_document" "crawler_assume_role" {
  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["glue.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account]
    }
  }
}

resource "aws_iam_role" "crawler" {
  name               = "${var.crawler_name}-crawler"
  description        = "Role of the ${var.crawler_name} Glue crawler."
  assume_role_policy = data.aws_iam_policy_document.crawler_assume_role.json

  tags = var.tags
}

data "aws_iam_policy_document" "crawler" {
  statement {
    sid       = "ReadTables"
    effect    = "Allow"
    actions   = ["s3:GetObject"]
    resources = ["${var.data_bucket_arn}/${var.transformed_prefix}*"]
  }

  statement {
    sid       = "ListTables"
    effect    = "Allow"
    actions   = ["s3:ListBucket"]
    resources = [var.data_bucket_arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = [var.transformed_prefix, "${var.transformed_prefix}*"]
    }
  }

  statement {
    sid    = "MaintainCatalog"
    effect = "Allow"
    actions = [
      "glue:GetDatabase",
      "glue:GetTable",
      "glue:GetTables",
      "glue:CreateTable",
      "glue:UpdateTable",
      "glue:GetPartition",
      "glue:GetPartitions",
      "glue:BatchGetPartition",
      "glue:CreatePartition",
      "glue:BatchCreatePartition",
      "glue:UpdatePartition",
      "glue:BatchUpdatePartition",
      "glue:CreatePartitionIndex",
    ]
    resources = [
      "${local.glue_arn}:catalog",
      aws_glue_catalog_database.this.arn,
      "${local.glue_arn}:table/${aws_glue_catalog_database.this.name}/*",
    ]
  }

  statement {
    sid       = "WriteCrawlerLogs"
    effect    = "Allow"
    actions   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]
    resources = [local.crawler_log_group_arn, "${local.crawler_log_group_arn}:*"]
  }

  dynamic "statement" {
    for_each = var.kms_key_arn == null ? [] : [var.kms_key_arn]
    content {
      sid       = "DecryptTables"
      effect    = "Allow"
      actions   = ["kms:Decrypt"]
      resources = [statement.value]
    }
  }
}

resource "aws_iam_role_policy" "crawler" {
  name   = "crawl-transformed-data"
  role   = aws_iam_role.crawler.id
  policy = data.aws_iam_policy_document.crawler.json
}

resource "aws_glue_crawler" "this" {
  name          = var.crawler_name
  description   = "Catalogs s3://${var.data_bucket_name}/${var.transformed_prefix}<table>/ as tables of ${aws_glue_catalog_database.this.name}."
  database_name = aws_glue_catalog_database.this.name
  role          = aws_iam_role.crawler.arn
  # A safety net after the daily extract; the transform also starts the crawler.
  schedule = var.schedule_expression

  s3_target {
    path = "s3://${var.data_bucket_name}/${var.transformed_prefix}"
  }

  schema_change_policy {
    update_behavior = "UPDATE_IN_DATABASE"
    delete_behavior = "LOG"
  }

  recrawl_policy {
    recrawl_behavior = "CRAWL_EVERYTHING"
  }

  configuration = jsonencode({
    Version = 1
    Grouping = {
      # Each transformed_data/<table>/ folder is a table, even when two tables' schemas look alike.
      TableLevelConfiguration = local.table_level
      TableGroupingPolicy     = "CombineCompatibleSchemas"
    }
    CrawlerOutput = {
      Partitions = { AddOrUpdateBehavior = "InheritFromTable" }
      Tables     = { AddOrUpdateBehavior = "MergeNewColumns" }
    }
  })

  tags = var.tags

  depends_on = [aws_iam_role_policy.crawler]
}
