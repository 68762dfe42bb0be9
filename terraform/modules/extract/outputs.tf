output "function_name" {
  description = "Name of the extract function."
  value       = module.function.function_name
}

output "function_arn" {
  description = "ARN of the extract function."
  value       = module.function.function_arn
}

output "timeout_seconds" {
  description = "Timeout of the extract function in seconds."
  value       = module.function.timeout_seconds
}

output "log_group_name" {
  description = "Log group of the extract function."
  value       = module.function.log_group_name
}

output "spotify_secret_arn" {
  description = "ARN of the Spotify credentials secret (its value is set out of band)."
  value       = aws_secretsmanager_secret.spotify.arn
}

output "schedule_name" {
  description = "Name of the EventBridge Scheduler schedule."
  value       = aws_scheduler_schedule.this.name
}

output "scheduler_dead_letter_queue_url" {
  description = "URL of the queue holding invocations the scheduler could not deliver."
  value       = aws_sqs_queue.scheduler_dead_letter.id
}

output "scheduler_dead_letter_queue_arn" {
  description = "ARN of the scheduler's dead-letter queue."
  value       = aws_sqs_queue.scheduler_dead_letter.arn
}

output "scheduler_dead_letter_queue_name" {
  description = "Name of the scheduler's dead-letter queue."
  value       = aws_sqs_queue.scheduler_dead_letter.name
}
