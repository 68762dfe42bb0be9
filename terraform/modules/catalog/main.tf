# The Glue Data Catalog side: a database and a crawler with one S3 target per table folder
# under transformed_data/ (songs, albums, artists, playlists, chart_positions), partitioned by
# snapshot_date.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  arn_prefix = "arn:${data.aws_partition.current.partition}"
  account    = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.id
  glue_arn   = "${local.arn_prefix}:glue:${local.region}:${local.account}"
  # Glue counts levels from the bucket, which is level 1: transformed_data/<table>/ is level 3
  # when the prefix is one folder deep.
  table_level = length(split("/", trimsuffix(var.transformed_prefix, "/"))) + 2
  # Crawlers log to the shared group /aws-glue/crawlers, created by Glue on first use; with an
  # encrypting security configuration, to a /aws-glue/crawlers-role/... group instead.
  crawler_log_groups_arn = "${local.arn_prefix}:logs:${local.region}:${local.account}:log-group:/aws-glue/crawlers*"
}

resource "aws_glue_catalog_database" "this" {
  name        = var.database_name
  description = "Spotify playlist snapshots and charts (tables ${join(", ", var.table_names)}) of s3://${var.data_bucket_name}/${var.transformed_prefix}"

  tags = var.tags
}

# No aws:SourceAccount condition: AWS documents none for Glue assuming a crawler role, and where
# a service does not send the key the condition fails and CreateCrawler cannot assume the role.
# A role cannot be passed to another account's crawler, and iam:PassRole limits who passes it.
data "aws_iam_policy_document" "crawler_assume_role" {
  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["glue.amazonaws.com"]
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
    resources = [local.crawler_log_groups_arn]
  }

  dynamic "statement" {
    for_each = var.kms_key_arn == null ? [] : [var.kms_key_arn]
    content {
      sid       = "UseCustomerKey"
      effect    = "Allow"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [statement.value]
    }
  }

  # The security configuration encrypts the crawler's log group with the customer key.
  dynamic "statement" {
    for_each = var.kms_key_arn == null ? [] : [var.kms_key_arn]
    content {
      sid       = "EncryptCrawlerLogs"
      effect    = "Allow"
      actions   = ["logs:AssociateKmsKey"]
      resources = [local.crawler_log_groups_arn]
    }
  }
}

resource "aws_iam_role_policy" "crawler" {
  name   = "crawl-transformed-data"
  role   = aws_iam_role.crawler.id
  policy = data.aws_iam_policy_document.crawler.json
}

# Encrypts what the crawler writes to CloudWatch Logs with the customer key when one is given.
resource "aws_glue_security_configuration" "this" {
  name = "${var.crawler_name}-crawler"

  encryption_configuration {
    cloudwatch_encryption {
      cloudwatch_encryption_mode = var.kms_key_arn == null ? "DISABLED" : "SSE-KMS"
      kms_key_arn                = var.kms_key_arn
    }

    job_bookmarks_encryption {
      job_bookmarks_encryption_mode = var.kms_key_arn == null ? "DISABLED" : "CSE-KMS"
      kms_key_arn                   = var.kms_key_arn
    }

    s3_encryption {
      s3_encryption_mode = var.kms_key_arn == null ? "SSE-S3" : "SSE-KMS"
      kms_key_arn        = var.kms_key_arn
    }
  }
}

resource "aws_glue_crawler" "this" {
  name          = var.crawler_name
  description   = "Catalogs s3://${var.data_bucket_name}/${var.transformed_prefix}<table>/ as tables of ${aws_glue_catalog_database.this.name}."
  database_name = aws_glue_catalog_database.this.name
  role          = aws_iam_role.crawler.arn
  # A safety net after the daily extract; the transform also starts the crawler.
  schedule = var.schedule_expression

  # One target per table: a new folder under transformed_data/ never becomes a table by accident.
  dynamic "s3_target" {
    for_each = toset(var.table_names)
    content {
      path = "s3://${var.data_bucket_name}/${var.transformed_prefix}${s3_target.value}/"
    }
  }

  security_configuration = aws_glue_security_configuration.this.name

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
