variable "name" {
  description = "Name of the ingest queue; the dead-letter queue is named `<name>-dlq`."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,76}$", var.name))
    error_message = "name must be 1-76 letters, digits, hyphens or underscores (80 with the -dlq suffix)."
  }
}

variable "source_bucket_name" {
  description = "Name of the bucket whose object-created events feed the queue."
  type        = string
}

variable "source_bucket_arn" {
  description = "ARN of that bucket; the queue policy lets only it send (aws:SourceArn)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9.-]+$", var.source_bucket_arn))
    error_message = "source_bucket_arn must be a bucket ARN (arn:aws:s3:::name)."
  }
}

variable "notification_prefix" {
  description = "Key prefix the notifications filter on (rawToProcessPrefix of config/s3-layout.json)."
  type        = string

  validation {
    condition     = endswith(var.notification_prefix, "/") && !startswith(var.notification_prefix, "/")
    error_message = "notification_prefix must end with / and must not start with /."
  }
}

variable "notification_suffixes" {
  description = "One notification per key suffix: a map of notification id (the message's configurationId) to the suffix it filters on (rawNotifications of config/s3-layout.json)."
  type        = map(string)

  validation {
    condition     = length(var.notification_suffixes) > 0 && alltrue([for suffix in values(var.notification_suffixes) : can(regex("^\\.[a-z0-9]+$", suffix))])
    error_message = "notification_suffixes must map at least one notification id to a suffix such as .json (a dot, then lowercase letters or digits)."
  }
}

variable "consumer_timeout_seconds" {
  description = "Timeout of the Lambda function consuming the queue; the visibility timeout must be at least 6 times it."
  type        = number

  validation {
    condition     = var.consumer_timeout_seconds >= 1 && var.consumer_timeout_seconds <= 900
    error_message = "consumer_timeout_seconds must be between 1 and 900 (Lambda's limit)."
  }
}

variable "visibility_timeout_seconds" {
  description = "Visibility timeout of the ingest queue. AWS advises at least 6 times the consumer's timeout, so a message is not handed out again while a retried batch still runs."
  type        = number

  validation {
    condition     = var.visibility_timeout_seconds >= 6 * var.consumer_timeout_seconds
    error_message = "visibility_timeout_seconds must be at least 6 x consumer_timeout_seconds (the transform function's timeout)."
  }

  validation {
    condition     = var.visibility_timeout_seconds <= 43200
    error_message = "visibility_timeout_seconds must be at most 43200 (12 hours, SQS's limit)."
  }
}

variable "max_receive_count" {
  description = "Receives after which a message moves to the dead-letter queue."
  type        = number

  validation {
    condition     = var.max_receive_count >= 1 && var.max_receive_count <= 1000 && floor(var.max_receive_count) == var.max_receive_count
    error_message = "max_receive_count must be a whole number from 1 to 1000."
  }
}

variable "message_retention_seconds" {
  description = "How long the ingest queue keeps a message."
  type        = number

  validation {
    condition     = var.message_retention_seconds >= 60 && var.message_retention_seconds <= 1209600
    error_message = "message_retention_seconds must be between 60 and 1209600 (14 days)."
  }
}

variable "dead_letter_retention_seconds" {
  description = "How long the dead-letter queue keeps a message; longer than the ingest queue's, since a message's age carries over when it is dead-lettered."
  type        = number

  validation {
    condition     = var.dead_letter_retention_seconds > var.message_retention_seconds && var.dead_letter_retention_seconds <= 1209600
    error_message = "dead_letter_retention_seconds must be longer than message_retention_seconds and at most 1209600 (14 days)."
  }
}

variable "receive_wait_time_seconds" {
  description = "Long-polling wait of receives on the ingest queue."
  type        = number

  validation {
    condition     = var.receive_wait_time_seconds >= 0 && var.receive_wait_time_seconds <= 20
    error_message = "receive_wait_time_seconds must be between 0 and 20."
  }
}

variable "kms_key_arn" {
  description = "ARN of a KMS key for both queues; null uses SQS-managed encryption (SSE-SQS). A customer key's policy must let s3.amazonaws.com use it."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags for the queues."
  type        = map(string)
  default     = {}
}
