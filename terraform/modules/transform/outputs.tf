output "function_name" {
  description = "Name of the transform function."
  value       = module.function.function_name
}

output "function_arn" {
  description = "ARN of the transform function."
  value       = module.function.function_arn
}

output "timeout_seconds" {
  description = "Timeout of the transform function in seconds."
  value       = module.function.timeout_seconds
}

output "log_group_name" {
  description = "Log group of the transform function."
  value       = module.function.log_group_name
}

output "event_source_mapping_uuid" {
  description = "UUID of the event source mapping from the ingest queue."
  value       = aws_lambda_event_source_mapping.this.uuid
}
