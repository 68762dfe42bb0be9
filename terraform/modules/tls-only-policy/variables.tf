variable "actions" {
  description = "Actions the statement denies without TLS, such as [\"s3:*\"] or [\"sqs:*\"]."
  type        = list(string)

  validation {
    condition     = length(var.actions) > 0 && alltrue([for a in var.actions : can(regex("^[a-z0-9-]+:[A-Za-z0-9*]+$", a))])
    error_message = "actions must hold at least one IAM action of the form service:Action (wildcards allowed), such as sqs:*."
  }
}

variable "resources" {
  description = "ARNs the statement covers: the resource the policy sits on (and, for a bucket, its objects)."
  type        = list(string)

  validation {
    condition     = length(var.resources) > 0 && alltrue([for r in var.resources : startswith(r, "arn:")])
    error_message = "resources must hold at least one ARN."
  }
}

variable "sid" {
  description = "Sid of the statement; no statement of source_policy_documents may use it."
  type        = string
  default     = "DenyInsecureTransport"

  validation {
    condition     = can(regex("^[A-Za-z0-9]+$", var.sid))
    error_message = "sid must be letters and digits only (IAM's rule for Sid)."
  }
}

variable "source_policy_documents" {
  description = "Policy documents (JSON, as aws_iam_policy_document renders them) whose statements the policy carries after the TLS-only one."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for d in var.source_policy_documents : can(concat([], jsondecode(d).Statement))])
    error_message = "source_policy_documents must be IAM policy documents in JSON with a Statement list."
  }

  validation {
    condition = alltrue(flatten([
      for d in var.source_policy_documents : [for s in try(jsondecode(d).Statement, []) : try(s.Sid, "") != var.sid]
    ]))
    error_message = "No statement of source_policy_documents may use the TLS-only statement's Sid (IAM refuses duplicate Sids)."
  }
}
