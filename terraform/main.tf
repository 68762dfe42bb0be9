# spotify-etl: the whole pipeline (docs/DESIGN.md, "Data flow").
#
#   EventBridge Scheduler -> extract -> s3://<bucket>/raw_data/to_process/ -> S3 notification
#   -> ingest queue (+ DLQ) -> transform -> transformed_data/<table>/ -> Glue crawler -> Athena
#
# Queue and trigger settings come from config/queue-settings.json, which the local mode
# (`make demo`) reads too, so both behave alike; variables override them one by one.

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

locals {
  repository_root = "${path.module}/.."
  queue_settings  = jsondecode(file("${local.repository_root}/config/queue-settings.json"))

  transform_timeout_seconds       = coalesce(var.lambda.transform.timeout_seconds, local.queue_settings.transformTimeoutSeconds)
  visibility_timeout_seconds      = coalesce(var.ingest_visibility_timeout_seconds, local.queue_settings.visibilityTimeoutSeconds)
  max_receive_count               = coalesce(var.ingest_max_receive_count, local.queue_settings.maxReceiveCount)
  message_retention_seconds       = coalesce(var.ingest_message_retention_seconds, local.queue_settings.messageRetentionSeconds)
  dead_letter_retention_seconds   = coalesce(var.dead_letter_retention_seconds, local.queue_settings.deadLetterRetentionSeconds)
  receive_wait_time_seconds       = local.queue_settings.receiveWaitTimeSeconds
  batch_size                      = coalesce(var.transform_batch_size, local.queue_settings.batchSize)
  maximum_batching_window_seconds = coalesce(var.transform_batching_window_seconds, local.queue_settings.maximumBatchingWindowSeconds)
  maximum_concurrency             = coalesce(var.transform_maximum_concurrency, local.queue_settings.maximumConcurrency)

  # The S3 layout, shared with functions/shared/s3-layout.ts (docs/DESIGN.md, "S3 layout").
  s3_layout             = jsondecode(file("${local.repository_root}/config/s3-layout.json"))
  raw_prefix            = local.s3_layout.rawPrefix
  raw_to_process_prefix = local.s3_layout.rawToProcessPrefix
  raw_processed_prefix  = local.s3_layout.rawProcessedPrefix
  transformed_prefix    = local.s3_layout.transformedPrefix
  athena_results_prefix = local.s3_layout.athenaResultsPrefix
  raw_notifications     = { for n in local.s3_layout.rawNotifications : n.id => n.suffix }
  table_names           = local.s3_layout.tables

  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.id
  # At most 24 + 1 + 10 + 1 + 12 + 1 + 14 = 63 characters, S3's limit.
  data_bucket_name = coalesce(var.data_bucket_name, "${var.name_prefix}-${var.environment}-${local.account_id}-${local.region}")

  # Each function's settings object for modules/lambda-function: the shared runtime and
  # architecture (null: that module's defaults) with the function's memory and timeout.
  shared_lambda    = { runtime = var.lambda.runtime, architecture = var.lambda.architecture }
  extract_lambda   = merge(var.lambda.extract, local.shared_lambda)
  transform_lambda = merge(var.lambda.transform, local.shared_lambda, { timeout_seconds = local.transform_timeout_seconds })

  extract_function_name   = "${var.name_prefix}-extract"
  transform_function_name = "${var.name_prefix}-transform"
  # Powertools service names: the `service` dimension of every metric, which the
  # no-tracks-extracted alarm must match exactly.
  extract_service_name   = "${var.name_prefix}-extract"
  transform_service_name = "${var.name_prefix}-transform"
  glue_database_name     = replace("${var.name_prefix}_${var.environment}", "-", "_")
  glue_crawler_name      = var.name_prefix

  powertools_environment = {
    POWERTOOLS_METRICS_NAMESPACE = var.metrics_namespace
    POWERTOOLS_LOG_LEVEL         = var.log_level
  }

  extract_environment = merge(
    var.extract_extra_environment,
    local.powertools_environment,
    {
      DATA_BUCKET             = module.data_lake.bucket_name
      PLAYLIST_IDS            = join(",", var.playlist_ids)
      POWERTOOLS_SERVICE_NAME = local.extract_service_name
    },
    var.spotify_market == null ? {} : { SPOTIFY_MARKET = var.spotify_market },
  )

  transform_environment = merge(
    var.transform_extra_environment,
    local.powertools_environment,
    {
      DATA_BUCKET             = module.data_lake.bucket_name
      GLUE_CRAWLER_NAME       = module.catalog.crawler_name
      POWERTOOLS_SERVICE_NAME = local.transform_service_name
    },
  )

  tags = merge(var.tags, {
    Project     = "spotify-etl"
    Environment = var.environment
    ManagedBy   = "terraform"
  })
}

module "data_lake" {
  source = "./modules/data-lake"

  bucket_name                        = local.data_bucket_name
  force_destroy                      = var.force_destroy_bucket
  kms_key_arn                        = var.kms_key_arn
  athena_results_prefix              = local.athena_results_prefix
  athena_results_expiration_days     = var.athena_results_expiration_days
  raw_processed_prefix               = local.raw_processed_prefix
  raw_processed_transition_days      = var.raw_processed_transition_days
  raw_processed_expiration_days      = var.raw_processed_expiration_days
  raw_prefix                         = local.raw_prefix
  transformed_prefix                 = local.transformed_prefix
  raw_data_expiration_days           = var.raw_data_expiration_days
  transformed_data_expiration_days   = var.transformed_data_expiration_days
  noncurrent_version_expiration_days = var.noncurrent_version_expiration_days
}

module "ingest_queue" {
  source = "./modules/ingest-queue"

  name                          = "${var.name_prefix}-ingest"
  source_bucket_name            = module.data_lake.bucket_name
  source_bucket_arn             = module.data_lake.bucket_arn
  notification_prefix           = local.raw_to_process_prefix
  notification_suffixes         = local.raw_notifications
  consumer_timeout_seconds      = local.transform_timeout_seconds
  visibility_timeout_seconds    = local.visibility_timeout_seconds
  max_receive_count             = local.max_receive_count
  message_retention_seconds     = local.message_retention_seconds
  dead_letter_retention_seconds = local.dead_letter_retention_seconds
  receive_wait_time_seconds     = local.receive_wait_time_seconds
  kms_key_arn                   = var.kms_key_arn
}

module "catalog" {
  source = "./modules/catalog"

  database_name       = local.glue_database_name
  crawler_name        = local.glue_crawler_name
  data_bucket_name    = module.data_lake.bucket_name
  data_bucket_arn     = module.data_lake.bucket_arn
  transformed_prefix  = local.transformed_prefix
  table_names         = local.table_names
  schedule_expression = var.crawler_schedule_expression
  kms_key_arn         = var.kms_key_arn
}

module "extract" {
  source = "./modules/extract"

  name_prefix           = var.name_prefix
  function_name         = local.extract_function_name
  zip_path              = "${local.repository_root}/dist/extract.zip"
  lambda                = local.extract_lambda
  environment_variables = local.extract_environment
  data_bucket_name      = module.data_lake.bucket_name
  data_bucket_arn       = module.data_lake.bucket_arn
  raw_to_process_prefix = local.raw_to_process_prefix
  kms_key_arn           = var.kms_key_arn
  log_retention_days    = var.log_retention_days
  schedule_expression   = var.schedule_expression
  schedule_timezone     = var.schedule_timezone
  schedule_enabled      = var.schedule_enabled
}

module "transform" {
  source = "./modules/transform"

  function_name                   = local.transform_function_name
  zip_path                        = "${local.repository_root}/dist/transform.zip"
  lambda                          = local.transform_lambda
  environment_variables           = local.transform_environment
  data_bucket_name                = module.data_lake.bucket_name
  data_bucket_arn                 = module.data_lake.bucket_arn
  raw_prefix                      = local.raw_prefix
  raw_to_process_prefix           = local.raw_to_process_prefix
  raw_processed_prefix            = local.raw_processed_prefix
  transformed_prefix              = local.transformed_prefix
  queue_arn                       = module.ingest_queue.queue_arn
  glue_crawler_name               = module.catalog.crawler_name
  batch_size                      = local.batch_size
  maximum_batching_window_seconds = local.maximum_batching_window_seconds
  maximum_concurrency             = local.maximum_concurrency
  event_source_enabled            = var.transform_event_source_enabled
  kms_key_arn                     = var.kms_key_arn
  log_retention_days              = var.log_retention_days
}

module "analytics" {
  source = "./modules/analytics"

  workgroup_name                 = var.name_prefix
  database_name                  = module.catalog.database_name
  results_bucket_name            = module.data_lake.bucket_name
  results_prefix                 = local.athena_results_prefix
  bytes_scanned_cutoff_per_query = var.athena_bytes_scanned_cutoff_per_query
  queries_dir                    = "${local.repository_root}/queries"
  kms_key_arn                    = var.kms_key_arn
}

module "monitoring" {
  source = "./modules/monitoring"

  name_prefix                          = var.name_prefix
  extract_function_name                = module.extract.function_name
  transform_function_name              = module.transform.function_name
  transform_timeout_seconds            = module.transform.timeout_seconds
  metrics_namespace                    = var.metrics_namespace
  extract_service_name                 = local.extract_service_name
  transform_service_name               = local.transform_service_name
  queue_name                           = module.ingest_queue.queue_name
  dead_letter_queue_name               = module.ingest_queue.dead_letter_queue_name
  max_receive_count                    = local.max_receive_count
  scheduler_dead_letter_queue_name     = module.extract.scheduler_dead_letter_queue_name
  crawler_name                         = module.catalog.crawler_name
  oldest_message_age_threshold_seconds = var.ingest_oldest_message_age_alarm_seconds
  alarm_email                          = var.alarm_email
  kms_key_arn                          = var.kms_key_arn
}
