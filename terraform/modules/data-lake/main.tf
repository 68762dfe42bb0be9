# The data lake bucket: raw snapshots, Parquet tables and Athena results under one bucket
# (docs/DESIGN.md, "S3 layout"). Private, encrypted, versioned, TLS only. Its event notification
# is owned by the ingest-queue module, because it must be created after that queue's policy.

resource "aws_s3_bucket" "this" {
  #checkov:skip=CKV2_AWS_62:The notification exists: the ingest-queue module owns it (it must follow the queue policy), which checkov does not follow.
  #checkov:skip=CKV_AWS_18:Server access logs need a second bucket; use CloudTrail S3 data events where an audit trail is required (docs/DEPLOY.md).
  #checkov:skip=CKV_AWS_144:Cross-region replication doubles storage cost; versioning protects against deletes within the region. A lost raw snapshot cannot be re-extracted (Spotify serves only the current state): add replication where a regional outage must not lose history.
  bucket        = var.bucket_name
  force_destroy = var.force_destroy

  tags = var.tags
}

resource "aws_s3_bucket_ownership_controls" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket = aws_s3_bucket.this.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = var.kms_key_arn == null ? "AES256" : "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
    # With a KMS key, bucket keys cut KMS requests (and their cost) by orders of magnitude.
    bucket_key_enabled = var.kms_key_arn != null
  }
}

module "bucket_policy" {
  source = "../tls-only-policy"

  actions   = ["s3:*"]
  resources = [aws_s3_bucket.this.arn, "${aws_s3_bucket.this.arn}/*"]
}

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = module.bucket_policy.json

  # Putting a bucket policy while the public access block is being created can fail.
  depends_on = [aws_s3_bucket_public_access_block.this]
}

locals {
  retention = {
    for area, r in {
      raw-data         = { prefix = var.raw_prefix, days = var.raw_data_expiration_days }
      transformed-data = { prefix = var.transformed_prefix, days = var.transformed_data_expiration_days }
    } : area => r if r.days != null
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    id     = "expire-athena-results"
    status = "Enabled"

    filter {
      prefix = var.athena_results_prefix
    }

    expiration {
      days = var.athena_results_expiration_days
    }
  }

  # Only when there is something to do: S3 rejects a rule without an action.
  dynamic "rule" {
    for_each = var.raw_processed_transition_days == null && var.raw_processed_expiration_days == null ? [] : [var.raw_processed_prefix]
    content {
      id     = "age-processed-raw-snapshots"
      status = "Enabled"

      filter {
        prefix = rule.value
      }

      dynamic "transition" {
        for_each = var.raw_processed_transition_days == null ? [] : [var.raw_processed_transition_days]
        content {
          days          = transition.value
          storage_class = var.raw_processed_transition_storage_class
        }
      }

      dynamic "expiration" {
        for_each = var.raw_processed_expiration_days == null ? [] : [var.raw_processed_expiration_days]
        content {
          days = expiration.value
        }
      }
    }
  }

  # Retention (docs/DEPLOY.md, "Retention"): Spotify's Developer Terms ask apps not to keep
  # Spotify content indefinitely. One rule per area with a set age; none by default (keep).
  dynamic "rule" {
    for_each = local.retention
    content {
      id     = "expire-${rule.key}"
      status = "Enabled"

      filter {
        prefix = rule.value.prefix
      }

      expiration {
        days = rule.value.days
      }
    }
  }

  rule {
    id     = "clean-up-old-versions"
    status = "Enabled"

    # Every object: moving a snapshot out of to_process/ leaves a delete marker and a
    # noncurrent version behind; re-running a transform leaves noncurrent Parquet files.
    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_expiration_days
    }

    expiration {
      expired_object_delete_marker = true
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  # Lifecycle rules on an unversioned bucket would not see noncurrent versions yet.
  depends_on = [aws_s3_bucket_versioning.this]
}
