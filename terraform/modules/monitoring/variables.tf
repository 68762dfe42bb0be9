variable "name_prefix" {
  description = "Prefix of the deployment's resource names: alarms are <name_prefix>-<signal>."
  type        = string
}

variable "extract_function_name" {
  description = "Name of the extract function."
  type        = string
}

variable "transform_function_name" {
  description = "Name of the transform function."
  type        = string
}

variable "transform_timeout_seconds" {
  description = "Timeout of the transform function; the duration alarm fires near it."
  type        = number
}

variable "duration_alarm_ratio" {
  description = "Share of the transform timeout a run may take before the duration alarm fires."
  type        = number
  default     = 0.8

  validation {
    condition     = var.duration_alarm_ratio > 0 && var.duration_alarm_ratio < 1
    error_message = "duration_alarm_ratio must be between 0 and 1 (exclusive)."
  }
}

variable "metrics_namespace" {
  description = "CloudWatch namespace of the functions' Powertools metrics (POWERTOOLS_METRICS_NAMESPACE)."
  type        = string
}

variable "extract_service_name" {
  description = "POWERTOOLS_SERVICE_NAME of the extract function: the `service` dimension of its metrics."
  type        = string
}

variable "transform_service_name" {
  description = "POWERTOOLS_SERVICE_NAME of the transform function: the `service` dimension of its metrics."
  type        = string
}

variable "queue_name" {
  description = "Name of the ingest queue."
  type        = string
}

variable "dead_letter_queue_name" {
  description = "Name of the ingest queue's dead-letter queue."
  type        = string
}

variable "max_receive_count" {
  description = "Receives after which a message is dead-lettered (for the alarm's description)."
  type        = number
}

variable "scheduler_dead_letter_queue_name" {
  description = "Name of the extract schedule's dead-letter queue."
  type        = string
}

variable "crawler_name" {
  description = "Name of the Glue crawler whose failed runs are reported."
  type        = string
}

variable "oldest_message_age_threshold_seconds" {
  description = "Age of the oldest ingest message at which the queue-age alarm fires."
  type        = number

  validation {
    condition     = var.oldest_message_age_threshold_seconds >= 60
    error_message = "oldest_message_age_threshold_seconds must be at least 60."
  }
}

variable "refresh_token_age_threshold_days" {
  description = "Age in days of the Spotify refresh token at which the refresh-token-age alarm fires; Spotify ends a token 180 days after its login."
  type        = number
  default     = 150

  validation {
    condition     = var.refresh_token_age_threshold_days >= 1 && var.refresh_token_age_threshold_days < 180
    error_message = "refresh_token_age_threshold_days must be at least 1 and under 180 (Spotify ends the token on day 180)."
  }
}

variable "alarm_email" {
  description = "Email address subscribed to the alarm topic (the address must confirm it); null subscribes none."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_email == null || can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.alarm_email))
    error_message = "alarm_email must be an email address or null."
  }
}

variable "kms_key_arn" {
  description = "ARN of a KMS key for the alarm topic, whose policy lets cloudwatch.amazonaws.com and events.amazonaws.com use it; null creates a dedicated key."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags for every resource of the module."
  type        = map(string)
  default     = {}
}
