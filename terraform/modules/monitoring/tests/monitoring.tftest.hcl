# terraform test: every alarm notifies the encrypted SNS topic; the alarms watch what the
# functions and queues emit.

mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  name_prefix                          = "spotify-etl"
  extract_function_name                = "spotify-etl-extract"
  transform_function_name              = "spotify-etl-transform"
  transform_timeout_seconds            = 60
  metrics_namespace                    = "SpotifyEtl"
  extract_service_name                 = "spotify-etl-extract"
  transform_service_name               = "spotify-etl-transform"
  queue_name                           = "spotify-etl-ingest"
  dead_letter_queue_name               = "spotify-etl-ingest-dlq"
  max_receive_count                    = 5
  scheduler_dead_letter_queue_name     = "spotify-etl-extract-schedule-dlq"
  crawler_name                         = "spotify-etl"
  oldest_message_age_threshold_seconds = 1800
}

run "every_alarm_notifies_the_encrypted_topic" {
  command = apply

  assert {
    condition = alltrue([
      for a in aws_cloudwatch_metric_alarm.this :
      a.alarm_actions == toset([aws_sns_topic.alarms.arn]) && a.ok_actions == toset([aws_sns_topic.alarms.arn])
    ]) && length(aws_cloudwatch_metric_alarm.this) == 10
    error_message = "Every alarm must notify the alarm topic, on alarm and on recovery."
  }

  assert {
    condition     = aws_sns_topic.alarms.kms_master_key_id == aws_kms_key.alarms[0].arn && aws_kms_key.alarms[0].enable_key_rotation
    error_message = "The topic must be encrypted with a rotated customer key CloudWatch may use."
  }

  assert {
    condition     = aws_cloudwatch_event_target.crawler_failed.arn == aws_sns_topic.alarms.arn
    error_message = "Failed crawler runs must notify the topic too."
  }

  assert {
    condition = anytrue([
      for s in jsondecode(aws_sns_topic_policy.alarms.policy).Statement :
      s.Effect == "Deny" && s.Principal == "*" && s.Action == ["sns:Publish"] && s.Resource == [aws_sns_topic.alarms.arn] &&
      s.Condition == { Bool = { "aws:SecureTransport" = "false" } }
    ])
    error_message = "The topic must refuse publishing without TLS."
  }

  assert {
    condition     = toset([for a in aws_cloudwatch_metric_alarm.this : a.alarm_name]) == toset([for k in keys(local.alarms) : "spotify-etl-${k}"])
    error_message = "Alarms are named <name_prefix>-<key> (docs/RUNBOOK.md)."
  }
}

run "the_key_serves_alarms_of_this_account_and_the_crawler_failed_rule" {
  command = plan

  assert {
    condition = {
      for st in data.aws_iam_policy_document.alarm_key[0].statement : st.sid => [for c in st.condition : "${c.test} ${c.variable} ${join(" ", c.values)}"]
      } == {
      AccountAdministersKey     = []
      AlarmsEncrypt             = ["StringEquals aws:SourceAccount 123456789012"]
      CrawlerFailedRuleEncrypts = []
    }
    error_message = "CloudWatch may use the topic's key for alarms of this account only; EventBridge's grant takes no condition, as SNS supports none for it (ADR 0080)."
  }
}

run "watches_both_functions_and_both_dead_letter_queues" {
  command = apply

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["extract-errors"].dimensions.FunctionName == var.extract_function_name &&
      aws_cloudwatch_metric_alarm.this["transform-errors"].dimensions.FunctionName == var.transform_function_name &&
      aws_cloudwatch_metric_alarm.this["dlq-not-empty"].dimensions.QueueName == var.dead_letter_queue_name &&
      aws_cloudwatch_metric_alarm.this["scheduler-dlq-not-empty"].dimensions.QueueName == var.scheduler_dead_letter_queue_name
    )
    error_message = "Errors of both functions and both dead-letter queues must be watched."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["no-tracks-extracted"].namespace == "SpotifyEtl" &&
      aws_cloudwatch_metric_alarm.this["no-tracks-extracted"].dimensions.service == "spotify-etl-extract" && length(aws_cloudwatch_metric_alarm.this["no-tracks-extracted"].dimensions) == 1 &&
      aws_cloudwatch_metric_alarm.this["no-tracks-extracted"].treat_missing_data == "breaching" &&
      aws_cloudwatch_metric_alarm.this["no-tracks-extracted"].period == 86400
    )
    error_message = "No TracksExtracted in 24 hours must alarm, with the service dimension Powertools emits."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.this["transform-duration-near-timeout"].threshold == 48000
    error_message = "The duration alarm fires at 80% of the transform timeout."
  }
}

run "alarms_from_day_150_of_the_refresh_token" {
  command = apply

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["refresh-token-age"].namespace == "SpotifyEtl" &&
      aws_cloudwatch_metric_alarm.this["refresh-token-age"].metric_name == "RefreshTokenAgeDays" &&
      aws_cloudwatch_metric_alarm.this["refresh-token-age"].dimensions == tomap({ service = "spotify-etl-extract" }) &&
      aws_cloudwatch_metric_alarm.this["refresh-token-age"].statistic == "Maximum" &&
      aws_cloudwatch_metric_alarm.this["refresh-token-age"].period == 86400
    )
    error_message = "The token-age alarm must watch the extract's daily maximum of RefreshTokenAgeDays, with the service dimension Powertools emits."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["refresh-token-age"].comparison_operator == "GreaterThanOrEqualToThreshold" &&
      aws_cloudwatch_metric_alarm.this["refresh-token-age"].threshold == 150 &&
      aws_cloudwatch_metric_alarm.this["refresh-token-age"].treat_missing_data == "notBreaching"
    )
    error_message = "The token-age alarm fires from day 150; runs without a refresh token emit nothing and must not alarm."
  }

  assert {
    condition     = strcontains(aws_cloudwatch_metric_alarm.this["refresh-token-age"].alarm_description, "make spotify-login")
    error_message = "The alarm's description must say what to do: make spotify-login again."
  }

  assert {
    condition = anytrue([
      for w in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets :
      contains(flatten(try(w.properties.metrics, [])), "RefreshTokenAgeDays")
    ])
    error_message = "The dashboard must chart the refresh token's age."
  }
}

run "refuses_a_token_age_threshold_from_day_180" {
  command = plan
  variables { refresh_token_age_threshold_days = 180 }
  expect_failures = [var.refresh_token_age_threshold_days]
}

run "refuses_a_duration_ratio_of_one" {
  command = plan
  variables { duration_alarm_ratio = 1 }
  expect_failures = [var.duration_alarm_ratio]
}

run "refuses_an_oldest_message_threshold_under_a_minute" {
  command = plan
  variables { oldest_message_age_threshold_seconds = 30 }
  expect_failures = [var.oldest_message_age_threshold_seconds]
}

run "refuses_an_alarm_email_without_domain" {
  command = plan
  variables { alarm_email = "oncall" }
  expect_failures = [var.alarm_email]
}

run "every_alarm_watches_its_metric_against_its_threshold" {
  command = plan

  assert {
    condition = {
      for k, a in aws_cloudwatch_metric_alarm.this : k => [a.namespace, a.metric_name, a.statistic, a.comparison_operator, a.threshold, a.treat_missing_data]
      } == {
      extract-errors                  = ["AWS/Lambda", "Errors", "Sum", "GreaterThanThreshold", 0, "notBreaching"]
      transform-errors                = ["AWS/Lambda", "Errors", "Sum", "GreaterThanThreshold", 0, "notBreaching"]
      extract-throttles               = ["AWS/Lambda", "Throttles", "Sum", "GreaterThanThreshold", 0, "notBreaching"]
      transform-throttles             = ["AWS/Lambda", "Throttles", "Sum", "GreaterThanThreshold", 0, "notBreaching"]
      transform-duration-near-timeout = ["AWS/Lambda", "Duration", "Maximum", "GreaterThanOrEqualToThreshold", 48000, "notBreaching"]
      no-tracks-extracted             = ["SpotifyEtl", "TracksExtracted", "Sum", "LessThanThreshold", 1, "breaching"]
      refresh-token-age               = ["SpotifyEtl", "RefreshTokenAgeDays", "Maximum", "GreaterThanOrEqualToThreshold", 150, "notBreaching"]
      dlq-not-empty                   = ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "Maximum", "GreaterThanThreshold", 0, "notBreaching"]
      ingest-oldest-message-age       = ["AWS/SQS", "ApproximateAgeOfOldestMessage", "Maximum", "GreaterThanOrEqualToThreshold", 1800, "notBreaching"]
      scheduler-dlq-not-empty         = ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "Maximum", "GreaterThanThreshold", 0, "notBreaching"]
    }
    error_message = "An alarm watches the wrong metric, statistic or threshold: it would fire on healthy runs or stay silent on failures."
  }

  assert {
    condition = jsondecode(aws_cloudwatch_event_rule.crawler_failed.event_pattern) == {
      source        = ["aws.glue"]
      "detail-type" = ["Glue Crawler State Change"]
      detail        = { crawlerName = ["spotify-etl"], state = ["Failed"] }
    }
    error_message = "Only failed runs of this crawler may notify the topic."
  }
}

run "only_alarms_of_this_deployment_and_the_crawler_failed_rule_publish" {
  command = apply

  assert {
    condition = {
      for st in data.aws_iam_policy_document.topic.statement : st.sid => [for c in st.condition : "${c.test} ${c.variable} ${join(" ", c.values)}"]
      } == {
      CloudWatchAlarmsPublish    = ["ArnLike aws:SourceArn arn:aws:cloudwatch:eu-west-1:123456789012:alarm:spotify-etl-*", "StringEquals aws:SourceAccount 123456789012"]
      CrawlerFailedRulePublishes = ["ArnEquals aws:SourceArn ${aws_cloudwatch_event_rule.crawler_failed.arn}"]
    }
    error_message = "Only this deployment's alarms (<name_prefix>-*, this account) and its crawler-failed rule may publish to the topic."
  }
}
