output "statement" {
  description = "The TLS-only statement as an object (IAM JSON keys)."
  value       = local.deny_insecure_transport
}

output "json" {
  description = "The policy document: the TLS-only statement, then every statement of source_policy_documents."
  value       = jsonencode({ Version = "2012-10-17", Statement = local.statements })
}
