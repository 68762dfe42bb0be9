variable "function_name" {
  description = "Name of the function; also names its role and its log group /aws/lambda/<name>."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,64}$", var.function_name))
    error_message = "function_name must be 1-64 letters, digits, hyphens or underscores."
  }
}

variable "description" {
  description = "Description of the function."
  type        = string
  default     = ""
}

variable "zip_path" {
  description = "Path of the deployment package built by `make build` (dist/<name>.zip holding index.mjs)."
  type        = string

  validation {
    condition     = endswith(var.zip_path, ".zip")
    error_message = "zip_path must be a .zip file."
  }
}

variable "handler" {
  description = "Module and export of the handler inside the zip."
  type        = string
  default     = "index.handler"
}

# One object for the settings every caller passes through (root -> extract/transform -> here):
# validated here (the root adds only the extract's 30 s minimum; docs/adr/0041-one-lambda-settings-object.md).
variable "lambda" {
  description = "Runtime (default nodejs22.x), instruction set (default arm64: the bundle is plain JavaScript, so either works, and arm64 is cheaper), memory in MB (CPU grows with it) and timeout of one invocation in seconds. A null runtime or architecture takes the default."
  type = object({
    runtime         = optional(string, "nodejs22.x")
    architecture    = optional(string, "arm64")
    memory_size_mb  = number
    timeout_seconds = number
  })

  validation {
    condition     = contains(["nodejs22.x", "nodejs24.x"], var.lambda.runtime)
    error_message = "lambda.runtime must be nodejs22.x or nodejs24.x (the bundles target Node 22 and later)."
  }

  validation {
    condition     = contains(["arm64", "x86_64"], var.lambda.architecture)
    error_message = "lambda.architecture must be arm64 or x86_64."
  }

  validation {
    condition     = try(var.lambda.memory_size_mb >= 128 && var.lambda.memory_size_mb <= 10240 && floor(var.lambda.memory_size_mb) == var.lambda.memory_size_mb, false)
    error_message = "lambda.memory_size_mb must be a whole number from 128 to 10240."
  }

  validation {
    condition     = try(var.lambda.timeout_seconds >= 1 && var.lambda.timeout_seconds <= 900 && floor(var.lambda.timeout_seconds) == var.lambda.timeout_seconds, false)
    error_message = "lambda.timeout_seconds must be a whole number from 1 to 900."
  }
}

variable "reserved_concurrent_executions" {
  description = "Reserved concurrency; -1 leaves the function unreserved."
  type        = number
  default     = -1

  validation {
    condition     = var.reserved_concurrent_executions >= -1
    error_message = "reserved_concurrent_executions must be -1 (unreserved) or more."
  }
}

variable "environment_variables" {
  description = "Environment variables of the function (docs/DESIGN.md, \"Handler configuration\")."
  type        = map(string)
  default     = {}
}

variable "policy_name" {
  description = "Name of the inline policy holding policy_json."
  type        = string
  default     = "function"
}

variable "policy_json" {
  description = "IAM policy document (JSON) granting what the function does besides writing its logs."
  type        = string

  validation {
    condition     = can(jsondecode(var.policy_json).Statement)
    error_message = "policy_json must be an IAM policy document in JSON with a Statement."
  }
}

variable "log_retention_days" {
  description = "Retention of the function's log group in days."
  type        = number

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653)."
  }
}

variable "kms_key_arn" {
  description = "ARN of a KMS key for the log group and the environment; null uses AWS-managed encryption. A customer key's policy must let logs.<region>.amazonaws.com use it."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>) or null."
  }
}

variable "tags" {
  description = "Tags for the function, its role and its log group."
  type        = map(string)
  default     = {}
}
