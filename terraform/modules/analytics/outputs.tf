output "workgroup_name" {
  description = "Name of the Athena workgroup."
  value       = aws_athena_workgroup.this.name
}

output "workgroup_arn" {
  description = "ARN of the Athena workgroup."
  value       = aws_athena_workgroup.this.arn
}

output "named_query_ids" {
  description = "Ids of the named queries by name."
  value       = { for name, query in aws_athena_named_query.this : name => query.id }
}
