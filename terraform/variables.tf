# --- Deployment -----------------------------------------------------------------------------

variable "name_prefix" {
  description = "Prefix of every resource name (functions, queues, alarms, ...). Functions set POWERTOOLS_SERVICE_NAME to <name_prefix>-extract / -transform."
  type        = string
  default     = "spotify-etl"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,22}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 3-24 lowercase letters, digits or hyphens, starting with a letter (it goes into bucket, queue and function names)."
  }
}

variable "environment" {
  description = "Environment name (dev, staging, prod, ...), used in the bucket name and the Environment tag."
  type        = string
  default     = "dev"

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,9}$", var.environment))
    error_message = "environment must be 2-10 lowercase letters or digits, starting with a letter."
  }
}

variable "aws_region" {
  description = "AWS region of the deployment."
  type        = string
  default     = "us-east-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.aws_region))
    error_message = "aws_region must be a region code such as us-east-1."
  }
}

variable "tags" {
  description = "Extra tags on every resource (added to the provider's default tags Project, Environment and ManagedBy)."
  type        = map(string)
  default     = {}
}

variable "kms_key_arn" {
  description = "ARN of a customer KMS key for the bucket, queues, secret, log groups, crawler logs, Athena results and alarm topic; null uses AWS-managed encryption (SSE-S3, SSE-SQS, the Secrets Manager key, CloudWatch Logs' own) and a dedicated key for the alarm topic. The key's policy must let s3, sqs, logs.<region>.amazonaws.com, cloudwatch and events use it, events without source conditions (docs/DEPLOY.md)."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>) or null."
  }
}

# --- Data lake ------------------------------------------------------------------------------

variable "data_bucket_name" {
  description = "Name of the data lake bucket; null names it <name_prefix>-<environment>-<account id>-<region>."
  type        = string
  default     = null
}

variable "force_destroy_bucket" {
  description = "Whether `terraform destroy` may delete the data lake bucket with every snapshot and table in it."
  type        = bool
  default     = false
}

variable "athena_results_expiration_days" {
  description = "Days after which Athena query results are deleted."
  type        = number
  default     = 30
}

variable "raw_processed_transition_days" {
  description = "Days after which processed raw snapshots move to Glacier Instant Retrieval; null keeps them in STANDARD."
  type        = number
  default     = 90
}

variable "raw_processed_expiration_days" {
  description = "Days after which processed raw snapshots are deleted; null keeps them (they allow re-running the transform)."
  type        = number
  default     = null

  # Checked here as well as in modules/data-lake, so the error names the variable a tfvars
  # file sets: the transition (default 90 days) and the expiration share one lifecycle rule.
  validation {
    condition     = var.raw_processed_expiration_days == null || var.raw_processed_transition_days == null || try(var.raw_processed_expiration_days > var.raw_processed_transition_days, false)
    error_message = "raw_processed_expiration_days must be greater than raw_processed_transition_days (default 90; S3 refuses an expiration that is not after the transition), or one of them null."
  }
}

variable "raw_data_expiration_days" {
  description = "Retention: days after which every object under raw_data/ is deleted (Spotify's Developer Terms ask apps not to keep Spotify content indefinitely); null keeps them (docs/DEPLOY.md, \"Retention\")."
  type        = number
  default     = null
}

variable "transformed_data_expiration_days" {
  description = "Retention: days after which every Parquet file under transformed_data/ is deleted; null keeps them (docs/DEPLOY.md, \"Retention\")."
  type        = number
  default     = null
}

variable "noncurrent_version_expiration_days" {
  description = "Days a replaced or deleted object version is kept."
  type        = number
  default     = 30
}

# --- Functions ------------------------------------------------------------------------------

variable "playlist_ids" {
  description = "Spotify playlist ids the extract snapshots every run (PLAYLIST_IDS): playlists the signed-in Spotify user owns or collaborates on. Spotify's own editorial playlists (37i9dQZ...) answer 404 to apps created since November 2024: get daily charts from chart files instead (`make import-charts`)."
  type        = list(string)

  validation {
    condition     = length(var.playlist_ids) > 0 && alltrue([for id in var.playlist_ids : can(regex("^[A-Za-z0-9]{1,64}$", id))])
    error_message = "playlist_ids must hold at least one Spotify playlist id (letters and digits, from the playlist's share link open.spotify.com/playlist/<id>) of a playlist the signed-in Spotify user owns or collaborates on: development-mode apps read no other playlists' items. For the daily Top 200 use chart files from charts.spotify.com instead (`make import-charts`, docs/SPOTIFY.md)."
  }
}

variable "spotify_market" {
  description = "ISO 3166-1 alpha-2 country code passed to Spotify as `market` (SPOTIFY_MARKET); null passes none."
  type        = string
  default     = null

  validation {
    condition     = var.spotify_market == null || can(regex("^[A-Z]{2}$", var.spotify_market))
    error_message = "spotify_market must be a two-letter uppercase country code such as US, or null."
  }
}

variable "lambda" {
  description = "Settings of both functions, each field optional: runtime and architecture (unset: nodejs22.x and arm64), and per function memory_size_mb and timeout_seconds. The extract defaults to 256 MB and 300 s (every playlist, rate-limit waits included); the transform to 512 MB, which suits charts and single large playlists (give 1024 if several playlists of 10,000 entries arrive together, docs/adr/0054), and to transformTimeoutSeconds of config/queue-settings.json (the visibility timeout must stay at least 6 times it). Example: lambda = { transform = { memory_size_mb = 1024 } }. modules/lambda-function validates each field (docs/DEPLOY.md, \"Lambda settings\")."
  type = object({
    runtime      = optional(string)
    architecture = optional(string)
    extract = optional(object({
      memory_size_mb  = optional(number, 256)
      timeout_seconds = optional(number, 300)
    }), {})
    transform = optional(object({
      memory_size_mb  = optional(number, 512)
      timeout_seconds = optional(number)
    }), {})
  })
  default  = {}
  nullable = false

  # The extract-only rule; the limits every function shares are checked in modules/lambda-function.
  validation {
    condition     = try(var.lambda.extract.timeout_seconds >= 30, false)
    error_message = "lambda.extract.timeout_seconds must be at least 30: one run reads every playlist, rate-limit waits included."
  }
}

variable "log_retention_days" {
  description = "Retention of the functions' log groups in days."
  type        = number
  default     = 30
}

variable "log_level" {
  description = "POWERTOOLS_LOG_LEVEL of both functions."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "CRITICAL", "SILENT"], var.log_level)
    error_message = "log_level must be one of TRACE, DEBUG, INFO, WARN, ERROR, CRITICAL, SILENT."
  }
}

variable "metrics_namespace" {
  description = "CloudWatch namespace of the functions' metrics (POWERTOOLS_METRICS_NAMESPACE)."
  type        = string
  default     = "SpotifyEtl"

  validation {
    condition     = can(regex("^[A-Za-z0-9._/#:-]{1,255}$", var.metrics_namespace)) && !startswith(var.metrics_namespace, "AWS/")
    error_message = "metrics_namespace must be 1-255 letters, digits or . _ / # : - and must not start with AWS/."
  }
}

variable "extract_extra_environment" {
  description = "Extra environment variables of the extract function (tuning knobs such as SPOTIFY_API_BASE_URL); they cannot replace the ones Terraform sets."
  type        = map(string)
  default     = {}

  validation {
    condition = length(setintersection(keys(var.extract_extra_environment), [
      "DATA_BUCKET", "PLAYLIST_IDS", "SPOTIFY_SECRET_ARN", "SPOTIFY_MARKET",
      "SPOTIFY_CLIENT_ID", "SPOTIFY_CLIENT_SECRET", "SPOTIFY_REFRESH_TOKEN",
      "POWERTOOLS_SERVICE_NAME", "POWERTOOLS_METRICS_NAMESPACE", "POWERTOOLS_LOG_LEVEL",
    ])) == 0
    error_message = "extract_extra_environment must not set DATA_BUCKET, PLAYLIST_IDS, SPOTIFY_SECRET_ARN, SPOTIFY_MARKET or the POWERTOOLS_* variables (use the dedicated variables), nor SPOTIFY_CLIENT_ID, SPOTIFY_CLIENT_SECRET or SPOTIFY_REFRESH_TOKEN: Spotify credentials belong in the Secrets Manager secret (docs/DEPLOY.md), never in the environment or the Terraform state."
  }
}

variable "transform_extra_environment" {
  description = "Extra environment variables of the transform function (tuning knobs); they cannot replace the ones Terraform sets."
  type        = map(string)
  default     = {}

  validation {
    condition = length(setintersection(keys(var.transform_extra_environment), [
      "DATA_BUCKET", "GLUE_CRAWLER_NAME",
      "POWERTOOLS_SERVICE_NAME", "POWERTOOLS_METRICS_NAMESPACE", "POWERTOOLS_LOG_LEVEL",
    ])) == 0
    error_message = "transform_extra_environment must not set DATA_BUCKET, GLUE_CRAWLER_NAME or the POWERTOOLS_* variables: use the dedicated variables."
  }
}

# --- Schedule -------------------------------------------------------------------------------

variable "schedule_expression" {
  description = "When the extract runs: an EventBridge Scheduler cron() or rate() expression."
  type        = string
  default     = "cron(0 16 * * ? *)"
}

variable "schedule_timezone" {
  description = "IANA time zone of schedule_expression."
  type        = string
  default     = "UTC"
}

variable "schedule_enabled" {
  description = "Whether the daily extract schedule runs."
  type        = bool
  default     = true
}

variable "transform_event_source_enabled" {
  description = "Whether the ingest queue's event source mapping delivers messages to the transform; false pauses processing (messages wait in the queue). The moto apply test sets false: moto would run the function in Docker."
  type        = bool
  default     = true
}

variable "crawler_schedule_expression" {
  description = "Glue cron() expression (always UTC, whatever schedule_timezone says) of the crawler's safety-net run after the daily extract: shift it with the extract's time zone; null runs it only when the transform starts it."
  type        = string
  default     = "cron(30 16 * * ? *)"
}

# --- Ingest queue and trigger (null: config/queue-settings.json) ----------------------------

variable "ingest_visibility_timeout_seconds" {
  description = "Visibility timeout of the ingest queue; null uses visibilityTimeoutSeconds of config/queue-settings.json."
  type        = number
  default     = null
}

variable "ingest_max_receive_count" {
  description = "Receives before a message is dead-lettered; null uses maxReceiveCount of config/queue-settings.json."
  type        = number
  default     = null
}

variable "ingest_message_retention_seconds" {
  description = "Retention of the ingest queue; null uses messageRetentionSeconds of config/queue-settings.json."
  type        = number
  default     = null
}

variable "dead_letter_retention_seconds" {
  description = "Retention of the dead-letter queue; null uses deadLetterRetentionSeconds of config/queue-settings.json."
  type        = number
  default     = null
}

variable "transform_batch_size" {
  description = "Messages per transform invocation; null uses batchSize of config/queue-settings.json."
  type        = number
  default     = null
}

variable "transform_batching_window_seconds" {
  description = "Batching window of the event source mapping; null uses maximumBatchingWindowSeconds of config/queue-settings.json."
  type        = number
  default     = null
}

variable "transform_maximum_concurrency" {
  description = "Most concurrent transform invocations; null uses maximumConcurrency of config/queue-settings.json."
  type        = number
  default     = null
}

# --- Analytics and monitoring ---------------------------------------------------------------

variable "athena_bytes_scanned_cutoff_per_query" {
  description = "Largest number of bytes one Athena query in the workgroup may scan."
  type        = number
  default     = 1073741824
}

variable "alarm_email" {
  description = "Email address subscribed to the alarm topic; null subscribes none."
  type        = string
  default     = null
}

variable "ingest_oldest_message_age_alarm_seconds" {
  description = "Age of the oldest ingest message at which the ingest-oldest-message-age alarm fires."
  type        = number
  default     = 1800
}
