# terraform test: the data lake bucket is private, encrypted, versioned and TLS only, with
# lifecycle rules for Athena results, processed raw objects and old versions.

mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  bucket_name           = "spotify-etl-dev-123456789012-eu-west-1"
  athena_results_prefix = jsondecode(file("../../../config/s3-layout.json")).athenaResultsPrefix
  raw_processed_prefix  = "raw_data/processed/"
  raw_prefix            = "raw_data/"
  transformed_prefix    = "transformed_data/"

  athena_results_expiration_days     = 30
  raw_processed_transition_days      = 90
  noncurrent_version_expiration_days = 30
}

run "bucket_is_private_encrypted_versioned_and_tls_only" {
  command = apply

  assert {
    condition = alltrue([
      aws_s3_bucket_public_access_block.this.block_public_acls,
      aws_s3_bucket_public_access_block.this.block_public_policy,
      aws_s3_bucket_public_access_block.this.ignore_public_acls,
      aws_s3_bucket_public_access_block.this.restrict_public_buckets,
    ])
    error_message = "All four public access block flags must be on."
  }

  assert {
    condition     = one(aws_s3_bucket_ownership_controls.this.rule).object_ownership == "BucketOwnerEnforced"
    error_message = "ACLs must be disabled (BucketOwnerEnforced)."
  }

  assert {
    condition     = one(aws_s3_bucket_versioning.this.versioning_configuration).status == "Enabled"
    error_message = "Versioning must be enabled: deletes and overwrites must be recoverable."
  }

  assert {
    condition     = one(one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default).sse_algorithm == "AES256"
    error_message = "Without a KMS key the bucket must use SSE-S3."
  }

  assert {
    condition = anytrue([
      for s in jsondecode(aws_s3_bucket_policy.this.policy).Statement :
      s.Effect == "Deny" && s.Principal == "*" && s.Action == ["s3:*"] &&
      toset(s.Resource) == toset([aws_s3_bucket.this.arn, "${aws_s3_bucket.this.arn}/*"]) &&
      s.Condition == { Bool = { "aws:SecureTransport" = "false" } }
    ])
    error_message = "The bucket policy must deny every request without TLS, on the bucket and its objects."
  }

  assert {
    condition     = aws_s3_bucket_policy.this.bucket == aws_s3_bucket.this.id && !aws_s3_bucket.this.force_destroy
    error_message = "The policy must sit on the bucket, and destroy must not empty it by default."
  }
}

run "a_customer_key_encrypts_with_bucket_keys" {
  command = plan

  variables {
    kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/0b6d4d4e-1111-2222-3333-444455556666"
  }

  assert {
    condition = (
      one(one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default).sse_algorithm == "aws:kms" &&
      one(one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default).kms_master_key_id == var.kms_key_arn &&
      one(aws_s3_bucket_server_side_encryption_configuration.this.rule).bucket_key_enabled
    )
    error_message = "With a KMS key the bucket must use SSE-KMS with that key and bucket keys."
  }
}

run "lifecycle_expires_results_ages_processed_raw_and_old_versions" {
  command = plan

  assert {
    condition = toset([for r in aws_s3_bucket_lifecycle_configuration.this.rule : r.id]) == toset([
      "expire-athena-results", "age-processed-raw-snapshots", "clean-up-old-versions",
    ])
    error_message = "The default lifecycle has three rules: by default no retention rule deletes raw or transformed data."
  }

  assert {
    condition = one([
      for r in aws_s3_bucket_lifecycle_configuration.this.rule : one(r.filter).prefix if r.id == "age-processed-raw-snapshots"
    ]) == "raw_data/processed/"
    error_message = "Only processed raw objects may move to colder storage: to_process/ must stay STANDARD."
  }

  assert {
    condition = one([
      for r in aws_s3_bucket_lifecycle_configuration.this.rule : [one(r.filter).prefix, one(r.expiration).days] if r.id == "expire-athena-results"
    ]) == ["athena-results/", 30]
    error_message = "Only Athena results (athena-results/ of config/s3-layout.json) may expire after athena_results_expiration_days: an empty prefix would expire the whole bucket."
  }

  assert {
    condition = one([
      for r in aws_s3_bucket_lifecycle_configuration.this.rule :
      [one(r.noncurrent_version_expiration).noncurrent_days, try(one(r.expiration).expired_object_delete_marker, false)] if r.id == "clean-up-old-versions"
    ]) == [30, true]
    error_message = "Old versions are kept noncurrent_version_expiration_days, and delete markers left without versions are removed."
  }
}

run "no_processed_rule_without_transition_or_expiration" {
  command = plan

  variables {
    raw_processed_transition_days = null
    raw_processed_expiration_days = null
  }

  assert {
    condition     = !contains([for r in aws_s3_bucket_lifecycle_configuration.this.rule : r.id], "age-processed-raw-snapshots")
    error_message = "S3 rejects a rule without an action: none may be planned."
  }
}

run "retention_expires_raw_and_transformed_objects_when_set" {
  command = plan

  variables {
    raw_data_expiration_days         = 365
    transformed_data_expiration_days = 730
  }

  assert {
    condition = {
      for r in aws_s3_bucket_lifecycle_configuration.this.rule : r.id => [one(r.filter).prefix, one(r.expiration).days]
      if startswith(r.id, "expire-") && r.id != "expire-athena-results"
      } == {
      expire-raw-data         = ["raw_data/", 365]
      expire-transformed-data = ["transformed_data/", 730]
    }
    error_message = "Each retention setting expires its whole area after its days, and nothing else."
  }
}

run "retention_keeps_what_is_not_set" {
  command = plan

  variables {
    transformed_data_expiration_days = 30
  }

  assert {
    condition = [
      for r in aws_s3_bucket_lifecycle_configuration.this.rule : r.id if startswith(r.id, "expire-") && r.id != "expire-athena-results"
    ] == ["expire-transformed-data"]
    error_message = "Without raw_data_expiration_days raw objects must be kept: no rule may expire them."
  }
}

run "refuses_a_raw_retention_of_zero_days" {
  command = plan
  variables { raw_data_expiration_days = 0 }
  expect_failures = [var.raw_data_expiration_days]
}

run "refuses_a_fractional_raw_retention" {
  command = plan
  variables { raw_data_expiration_days = 2.5 }
  expect_failures = [var.raw_data_expiration_days]
}

run "refuses_a_fractional_transformed_retention" {
  command = plan
  variables { transformed_data_expiration_days = 1.5 }
  expect_failures = [var.transformed_data_expiration_days]
}

run "refuses_a_transformed_retention_of_zero_days" {
  command = plan
  variables { transformed_data_expiration_days = 0 }
  expect_failures = [var.transformed_data_expiration_days]
}

run "refuses_a_bucket_name_s3_would_refuse" {
  command = plan
  variables { bucket_name = "Spotify_ETL" }
  expect_failures = [var.bucket_name]
}

run "refuses_a_kms_key_that_is_not_an_arn" {
  command = plan
  variables { kms_key_arn = "alias/data" }
  expect_failures = [var.kms_key_arn]
}

run "refuses_a_results_prefix_without_slash" {
  command = plan
  variables { athena_results_prefix = "athena-results" }
  expect_failures = [var.athena_results_prefix]
}

run "refuses_result_expiration_of_zero_days" {
  command = plan
  variables { athena_results_expiration_days = 0 }
  expect_failures = [var.athena_results_expiration_days]
}

run "refuses_fractional_result_expiration_days" {
  command = plan
  variables { athena_results_expiration_days = 1.5 }
  expect_failures = [var.athena_results_expiration_days]
}

run "refuses_a_processed_prefix_with_leading_slash" {
  command = plan
  variables { raw_processed_prefix = "/raw_data/processed/" }
  expect_failures = [var.raw_processed_prefix]
}

run "refuses_a_transition_before_thirty_days" {
  command = plan
  variables { raw_processed_transition_days = 7 }
  expect_failures = [var.raw_processed_transition_days]
}

run "refuses_an_unknown_storage_class" {
  command = plan
  variables { raw_processed_transition_storage_class = "COLD" }
  expect_failures = [var.raw_processed_transition_storage_class]
}

run "refuses_processed_expiration_under_a_day" {
  command = plan
  variables { raw_processed_expiration_days = 0 }
  expect_failures = [var.raw_processed_expiration_days]
}

run "refuses_noncurrent_expiration_under_a_day" {
  command = plan
  variables { noncurrent_version_expiration_days = 0 }
  expect_failures = [var.noncurrent_version_expiration_days]
}

run "processed_raw_move_then_expire_in_one_rule" {
  command = plan

  variables {
    raw_processed_expiration_days = 365
  }

  assert {
    condition = one([
      for r in aws_s3_bucket_lifecycle_configuration.this.rule : [one(r.transition).days, one(r.transition).storage_class, one(r.expiration).days]
      if r.id == "age-processed-raw-snapshots"
    ]) == [90, "GLACIER_IR", 365]
    error_message = "Processed raw objects move after raw_processed_transition_days and expire after raw_processed_expiration_days, in one rule."
  }
}

run "processed_expiration_alone_needs_no_transition" {
  command = plan

  variables {
    raw_processed_transition_days = null
    raw_processed_expiration_days = 7
  }

  assert {
    condition = one([
      for r in aws_s3_bucket_lifecycle_configuration.this.rule : [length(r.transition), one(r.expiration).days]
      if r.id == "age-processed-raw-snapshots"
    ]) == [0, 7]
    error_message = "Without a transition the processed rule only expires, and any expiration of at least a day is accepted."
  }
}

run "refuses_a_raw_prefix_without_slash" {
  command = plan
  variables { raw_prefix = "raw_data" }
  expect_failures = [var.raw_prefix]
}

run "refuses_a_transformed_prefix_with_leading_slash" {
  command = plan
  variables { transformed_prefix = "/transformed_data/" }
  expect_failures = [var.transformed_prefix]
}

run "refuses_a_fractional_transition" {
  command = plan
  variables { raw_processed_transition_days = 30.5 }
  expect_failures = [var.raw_processed_transition_days]
}

run "refuses_a_fractional_processed_expiration" {
  command = plan
  variables { raw_processed_expiration_days = 400.5 }
  expect_failures = [var.raw_processed_expiration_days]
}

run "refuses_processed_expiration_before_the_transition" {
  command = plan
  variables { raw_processed_expiration_days = 60 }
  expect_failures = [var.raw_processed_expiration_days]
}

run "refuses_processed_expiration_on_the_transition_day" {
  command = plan
  variables { raw_processed_expiration_days = 90 }
  expect_failures = [var.raw_processed_expiration_days]
}

run "refuses_fractional_noncurrent_expiration" {
  command = plan
  variables { noncurrent_version_expiration_days = 1.5 }
  expect_failures = [var.noncurrent_version_expiration_days]
}
