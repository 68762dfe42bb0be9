variable "name_prefix" {
  description = "Prefix of the deployment's resource names; names the secret <name_prefix>/spotify."
  type        = string
}

variable "function_name" {
  description = "Name of the extract function (also its role, schedule and scheduler DLQ)."
  type        = string
}

variable "zip_path" {
  description = "Path of dist/extract.zip built by `make build`."
  type        = string
}

variable "lambda" {
  description = "Runtime, architecture, memory_size_mb and timeout_seconds (of one run (all playlists, with Spotify's rate-limit waits)) of the function; null runtime or architecture take modules/lambda-function's defaults, which validates every field."
  type        = object({ runtime = optional(string), architecture = optional(string), memory_size_mb = number, timeout_seconds = number })
}

variable "environment_variables" {
  description = "Environment of the function (DATA_BUCKET, PLAYLIST_IDS, Powertools settings...); the module adds SPOTIFY_SECRET_ARN."
  type        = map(string)

  validation {
    condition     = !contains(keys(var.environment_variables), "SPOTIFY_SECRET_ARN")
    error_message = "environment_variables must not set SPOTIFY_SECRET_ARN: the module sets it to the secret it creates."
  }
}

variable "data_bucket_name" {
  description = "Name of the data lake bucket."
  type        = string
}

variable "data_bucket_arn" {
  description = "ARN of the data lake bucket."
  type        = string
}

variable "raw_to_process_prefix" {
  description = "Key prefix the function writes raw snapshots under (its only S3 permission)."
  type        = string

  validation {
    condition     = endswith(var.raw_to_process_prefix, "/") && !startswith(var.raw_to_process_prefix, "/")
    error_message = "raw_to_process_prefix must end with / and must not start with /."
  }
}

variable "kms_key_arn" {
  description = "ARN of the KMS key of the bucket, secret, queues and log group; null when they use AWS-managed encryption."
  type        = string
  default     = null
}

variable "log_retention_days" {
  description = "Retention of the function's log group in days."
  type        = number
}

variable "secret_recovery_window_days" {
  description = "Days a deleted Spotify secret can be restored (0 deletes it at once)."
  type        = number
  default     = 7

  validation {
    condition     = var.secret_recovery_window_days == 0 || (var.secret_recovery_window_days >= 7 && var.secret_recovery_window_days <= 30)
    error_message = "secret_recovery_window_days must be 0 or between 7 and 30."
  }
}

variable "schedule_expression" {
  description = "When the extract runs: an EventBridge Scheduler cron() or rate() expression."
  type        = string

  validation {
    condition     = can(regex("^(cron\\(.+\\)|rate\\([0-9]+ (minute|minutes|hour|hours|day|days)\\))$", var.schedule_expression))
    error_message = "schedule_expression must be cron(...) or rate(N unit)."
  }
}

variable "schedule_timezone" {
  description = "IANA time zone of schedule_expression."
  type        = string
}

variable "schedule_enabled" {
  description = "Whether the daily schedule runs."
  type        = bool
  default     = true
}

variable "schedule_maximum_retry_attempts" {
  description = "Retries of an invocation the scheduler could not deliver (e.g. throttled) before it goes to the scheduler DLQ."
  type        = number
  default     = 3

  validation {
    condition     = var.schedule_maximum_retry_attempts >= 0 && var.schedule_maximum_retry_attempts <= 185
    error_message = "schedule_maximum_retry_attempts must be between 0 and 185."
  }
}

variable "schedule_maximum_event_age_seconds" {
  description = "How long the scheduler keeps retrying one invocation."
  type        = number
  default     = 3600

  validation {
    condition     = var.schedule_maximum_event_age_seconds >= 60 && var.schedule_maximum_event_age_seconds <= 86400
    error_message = "schedule_maximum_event_age_seconds must be between 60 and 86400."
  }
}

variable "async_retry_attempts" {
  description = "Lambda's retries of a failed asynchronous run (0: a retry would snapshot the playlists that succeeded a second time)."
  type        = number
  default     = 0

  validation {
    condition     = contains([0, 1, 2], var.async_retry_attempts)
    error_message = "async_retry_attempts must be 0, 1 or 2."
  }
}

variable "async_maximum_event_age_seconds" {
  description = "How long Lambda keeps an asynchronous invocation queued before dropping it."
  type        = number
  default     = 3600

  validation {
    condition     = var.async_maximum_event_age_seconds >= 60 && var.async_maximum_event_age_seconds <= 21600
    error_message = "async_maximum_event_age_seconds must be between 60 and 21600."
  }
}

variable "tags" {
  description = "Tags for every resource of the module."
  type        = map(string)
  default     = {}
}
