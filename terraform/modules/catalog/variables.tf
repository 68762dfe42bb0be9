variable "database_name" {
  description = "Name of the Glue database (Athena allows lowercase letters, digits and underscores)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9_]{1,255}$", var.database_name))
    error_message = "database_name must be lowercase letters, digits and underscores."
  }
}

variable "crawler_name" {
  description = "Name of the Glue crawler (also names its role <crawler_name>-crawler)."
  type        = string
}

variable "data_bucket_name" {
  description = "Name of the data lake bucket."
  type        = string
}

variable "data_bucket_arn" {
  description = "ARN of the data lake bucket."
  type        = string
}

variable "transformed_prefix" {
  description = "Key prefix holding one folder per table (transformedPrefix of config/s3-layout.json)."
  type        = string

  validation {
    condition     = endswith(var.transformed_prefix, "/") && !startswith(var.transformed_prefix, "/")
    error_message = "transformed_prefix must end with / and must not start with /."
  }
}

variable "table_names" {
  description = "Table folders under transformed_prefix; the crawler gets one S3 target per table (tables of config/s3-layout.json)."
  type        = list(string)

  validation {
    condition     = length(var.table_names) > 0 && alltrue([for table in var.table_names : can(regex("^[a-z][a-z0-9_]*$", table))])
    error_message = "table_names must hold at least one table name of lowercase letters, digits and underscores, starting with a letter."
  }
}

variable "schedule_expression" {
  description = "Glue cron() expression (UTC) of the crawler's safety-net run; null runs it only when the transform starts it."
  type        = string

  validation {
    condition     = var.schedule_expression == null || can(regex("^cron\\(.+\\)$", var.schedule_expression))
    error_message = "schedule_expression must be a cron(...) expression or null."
  }
}

variable "kms_key_arn" {
  description = "ARN of the KMS key of the bucket; null when it uses S3-managed keys."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags for every resource of the module."
  type        = map(string)
  default     = {}
}
