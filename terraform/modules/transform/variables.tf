variable "function_name" {
  description = "Name of the transform function (also its role and log group)."
  type        = string
}

variable "zip_path" {
  description = "Path of dist/transform.zip built by `make build`."
  type        = string
}

variable "lambda" {
  description = "Runtime, architecture, memory_size_mb and timeout_seconds (of one batch; the ingest queue's visibility timeout must be at least 6 times it) of the function; null runtime or architecture take modules/lambda-function's defaults, which validates every field."
  type        = object({ runtime = optional(string), architecture = optional(string), memory_size_mb = number, timeout_seconds = number })
}

variable "environment_variables" {
  description = "Environment of the function (DATA_BUCKET, GLUE_CRAWLER_NAME, Powertools settings...)."
  type        = map(string)
}

variable "data_bucket_name" {
  description = "Name of the data lake bucket."
  type        = string
}

variable "data_bucket_arn" {
  description = "ARN of the data lake bucket."
  type        = string
}

variable "raw_prefix" {
  description = "Key prefix of every raw snapshot (read access)."
  type        = string
}

variable "raw_to_process_prefix" {
  description = "Key prefix of raw snapshots waiting for the transform (delete access)."
  type        = string
}

variable "raw_processed_prefix" {
  description = "Key prefix of transformed raw snapshots (write access)."
  type        = string
}

variable "transformed_prefix" {
  description = "Key prefix of the Parquet tables (write access)."
  type        = string
}

variable "queue_arn" {
  description = "ARN of the ingest queue the function consumes."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:sqs:", var.queue_arn))
    error_message = "queue_arn must be an SQS queue ARN."
  }
}

variable "glue_crawler_name" {
  description = "Name of the Glue crawler the function starts after new data lands; null grants no glue:StartCrawler."
  type        = string
  default     = null
}

variable "batch_size" {
  description = "Messages per invocation."
  type        = number

  validation {
    condition     = var.batch_size >= 1 && var.batch_size <= 10000
    error_message = "batch_size must be between 1 and 10000."
  }
}

variable "maximum_batching_window_seconds" {
  description = "How long the event source mapping gathers messages before invoking."
  type        = number

  validation {
    condition     = var.maximum_batching_window_seconds >= 0 && var.maximum_batching_window_seconds <= 300
    error_message = "maximum_batching_window_seconds must be between 0 and 300."
  }

  validation {
    condition     = var.batch_size <= 10 || var.maximum_batching_window_seconds >= 1
    error_message = "A batch_size above 10 needs a maximum_batching_window_seconds of at least 1."
  }
}

variable "maximum_concurrency" {
  description = "Most concurrent invocations the event source mapping makes."
  type        = number

  validation {
    condition     = var.maximum_concurrency >= 2 && var.maximum_concurrency <= 1000
    error_message = "maximum_concurrency must be between 2 and 1000 (SQS event source mapping limits)."
  }
}

variable "event_source_enabled" {
  description = "Whether the event source mapping delivers queue messages to the function."
  type        = bool
  default     = true
}

variable "kms_key_arn" {
  description = "ARN of the KMS key of the bucket, queue and log group; null when they use AWS-managed encryption."
  type        = string
  default     = null
}

variable "log_retention_days" {
  description = "Retention of the function's log group in days."
  type        = number
}

variable "tags" {
  description = "Tags for every resource of the module."
  type        = map(string)
  default     = {}
}
