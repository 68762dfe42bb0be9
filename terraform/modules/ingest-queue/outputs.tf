output "queue_url" {
  description = "URL of the ingest queue."
  value       = aws_sqs_queue.this.id
}

output "queue_arn" {
  description = "ARN of the ingest queue."
  value       = aws_sqs_queue.this.arn
}

output "queue_name" {
  description = "Name of the ingest queue."
  value       = aws_sqs_queue.this.name
}

output "dead_letter_queue_url" {
  description = "URL of the dead-letter queue."
  value       = aws_sqs_queue.dead_letter.id
}

output "dead_letter_queue_arn" {
  description = "ARN of the dead-letter queue."
  value       = aws_sqs_queue.dead_letter.arn
}

output "dead_letter_queue_name" {
  description = "Name of the dead-letter queue."
  value       = aws_sqs_queue.dead_letter.name
}

output "visibility_timeout_seconds" {
  description = "Visibility timeout of the ingest queue."
  value       = aws_sqs_queue.this.visibility_timeout_seconds
}
