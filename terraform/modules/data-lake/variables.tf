variable "bucket_name" {
  description = "Name of the data lake bucket (globally unique)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name)) && !strcontains(var.bucket_name, "..")
    error_message = "bucket_name must be 3-63 characters of lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit."
  }
}

variable "force_destroy" {
  description = "Whether `terraform destroy` may delete the bucket while it still holds objects (every snapshot and table would be lost)."
  type        = bool
  default     = false
}

variable "kms_key_arn" {
  description = "ARN of a KMS key for SSE-KMS; null uses S3-managed keys (SSE-S3)."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:...) or null."
  }
}

variable "athena_results_prefix" {
  description = "Key prefix of Athena query results (expired by a lifecycle rule)."
  type        = string

  validation {
    condition     = endswith(var.athena_results_prefix, "/") && !startswith(var.athena_results_prefix, "/")
    error_message = "athena_results_prefix must end with / and must not start with /."
  }
}

variable "athena_results_expiration_days" {
  description = "Days after which Athena query results are deleted."
  type        = number

  validation {
    condition     = var.athena_results_expiration_days >= 1 && floor(var.athena_results_expiration_days) == var.athena_results_expiration_days
    error_message = "athena_results_expiration_days must be a whole number of days, at least 1."
  }
}

variable "raw_processed_prefix" {
  description = "Key prefix of raw snapshots that were transformed (aged by a lifecycle rule)."
  type        = string

  validation {
    condition     = endswith(var.raw_processed_prefix, "/") && !startswith(var.raw_processed_prefix, "/")
    error_message = "raw_processed_prefix must end with / and must not start with /."
  }
}

variable "raw_processed_transition_days" {
  description = "Days after which processed raw snapshots move to raw_processed_transition_storage_class; null keeps them in STANDARD."
  type        = number

  validation {
    condition     = var.raw_processed_transition_days == null || try(var.raw_processed_transition_days >= 30 && floor(var.raw_processed_transition_days) == var.raw_processed_transition_days, false)
    error_message = "raw_processed_transition_days must be a whole number of days, at least 30 (S3's minimum for the infrequent-access classes), or null."
  }
}

variable "raw_processed_transition_storage_class" {
  description = "Storage class processed raw snapshots move to."
  type        = string
  default     = "GLACIER_IR"

  validation {
    condition     = contains(["STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"], var.raw_processed_transition_storage_class)
    error_message = "raw_processed_transition_storage_class must be one of STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING, GLACIER_IR, GLACIER, DEEP_ARCHIVE."
  }
}

variable "raw_processed_expiration_days" {
  description = "Days after which processed raw snapshots are deleted; null keeps them forever (they allow re-running the transform)."
  type        = number
  default     = null

  validation {
    condition     = var.raw_processed_expiration_days == null || try(var.raw_processed_expiration_days >= 1 && floor(var.raw_processed_expiration_days) == var.raw_processed_expiration_days, false)
    error_message = "raw_processed_expiration_days must be a whole number of days, at least 1, or null."
  }

  # Both actions sit in one lifecycle rule, and S3 refuses a rule whose expiration is not
  # after its transition.
  validation {
    condition     = var.raw_processed_expiration_days == null || var.raw_processed_transition_days == null || try(var.raw_processed_expiration_days > var.raw_processed_transition_days, false)
    error_message = "raw_processed_expiration_days must be greater than raw_processed_transition_days (S3 refuses an expiration that is not after the transition), or one of them null."
  }
}

variable "raw_prefix" {
  description = "Key prefix of every raw object, to process and processed (raw_data_expiration_days applies to it)."
  type        = string

  validation {
    condition     = endswith(var.raw_prefix, "/") && !startswith(var.raw_prefix, "/")
    error_message = "raw_prefix must end with / and must not start with /."
  }
}

variable "transformed_prefix" {
  description = "Key prefix of the Parquet tables (transformed_data_expiration_days applies to it)."
  type        = string

  validation {
    condition     = endswith(var.transformed_prefix, "/") && !startswith(var.transformed_prefix, "/")
    error_message = "transformed_prefix must end with / and must not start with /."
  }
}

variable "raw_data_expiration_days" {
  description = "Days after its upload at which every raw object (snapshots and chart files, to process or processed) is deleted; null keeps them. For Spotify's Developer Terms, which ask apps not to keep Spotify content indefinitely."
  type        = number
  default     = null

  validation {
    condition     = var.raw_data_expiration_days == null || try(var.raw_data_expiration_days >= 1 && floor(var.raw_data_expiration_days) == var.raw_data_expiration_days, false)
    error_message = "raw_data_expiration_days must be a whole number of days, at least 1, or null (keep)."
  }
}

variable "transformed_data_expiration_days" {
  description = "Days after it was written at which a Parquet file of the tables is deleted; null keeps them. For Spotify's Developer Terms, which ask apps not to keep Spotify content indefinitely."
  type        = number
  default     = null

  validation {
    condition     = var.transformed_data_expiration_days == null || try(var.transformed_data_expiration_days >= 1 && floor(var.transformed_data_expiration_days) == var.transformed_data_expiration_days, false)
    error_message = "transformed_data_expiration_days must be a whole number of days, at least 1, or null (keep)."
  }
}

variable "noncurrent_version_expiration_days" {
  description = "Days a replaced or deleted object version is kept before it is removed for good."
  type        = number

  validation {
    condition     = try(var.noncurrent_version_expiration_days >= 1 && floor(var.noncurrent_version_expiration_days) == var.noncurrent_version_expiration_days, false)
    error_message = "noncurrent_version_expiration_days must be a whole number of days, at least 1."
  }
}

variable "tags" {
  description = "Tags for the bucket (the provider's default tags apply as well)."
  type        = map(string)
  default     = {}
}
