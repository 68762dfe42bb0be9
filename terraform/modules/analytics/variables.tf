variable "workgroup_name" {
  description = "Name of the Athena workgroup."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]{1,128}$", var.workgroup_name))
    error_message = "workgroup_name must be 1-128 letters, digits, dots, hyphens or underscores."
  }
}

variable "database_name" {
  description = "Glue database the named queries run against."
  type        = string
}

variable "results_bucket_name" {
  description = "Bucket receiving query results."
  type        = string
}

variable "results_prefix" {
  description = "Key prefix of query results (athenaResultsPrefix of config/s3-layout.json)."
  type        = string

  validation {
    condition     = endswith(var.results_prefix, "/") && !startswith(var.results_prefix, "/")
    error_message = "results_prefix must end with / and must not start with /."
  }
}

variable "bytes_scanned_cutoff_per_query" {
  description = "Largest number of bytes one query may scan before Athena cancels it."
  type        = number

  validation {
    condition     = var.bytes_scanned_cutoff_per_query >= 10485760
    error_message = "bytes_scanned_cutoff_per_query must be at least 10485760 (10 MB, Athena's minimum)."
  }
}

variable "queries_dir" {
  description = "Folder of the named queries, one <name>.sql each, whose first line is a `-- ` description, and shared/day_charts.sql, which replaces {{day_charts}} in them."
  type        = string
}

variable "kms_key_arn" {
  description = "ARN of a KMS key for query results (SSE_KMS); null uses SSE_S3."
  type        = string
  default     = null
}

variable "force_destroy" {
  description = "Whether destroying the workgroup also deletes its named queries and query history."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags for the workgroup."
  type        = map(string)
  default     = {}
}
