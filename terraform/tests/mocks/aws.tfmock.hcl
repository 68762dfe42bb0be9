# Defaults for `mock_provider "aws"` in every terraform test suite (tests/*.tftest.hcl here and
# under modules/): realistic ids and ARNs where Terraform or a test reads them. Suites override
# single resources where one value per resource type is not enough (a queue and its DLQ).

mock_data "aws_caller_identity" {
  defaults = {
    account_id = "123456789012"
    arn        = "arn:aws:iam::123456789012:user/deployer"
    user_id    = "AIDAEXAMPLE"
  }
}

mock_data "aws_region" {
  defaults = {
    id          = "eu-west-1"
    name        = "eu-west-1"
    description = "Europe (Ireland)"
    endpoint    = "ec2.eu-west-1.amazonaws.com"
  }
}

mock_data "aws_partition" {
  defaults = {
    id                 = "aws"
    partition          = "aws"
    dns_suffix         = "amazonaws.com"
    reverse_dns_prefix = "com.amazonaws"
  }
}

# A policy document's JSON: the suites assert on its statements (arguments), not on this.
mock_data "aws_iam_policy_document" {
  defaults = {
    json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
  }
}

mock_resource "aws_s3_bucket" {
  defaults = {
    arn                         = "arn:aws:s3:::spotify-etl-dev-123456789012-eu-west-1"
    bucket_regional_domain_name = "spotify-etl-dev-123456789012-eu-west-1.s3.eu-west-1.amazonaws.com"
  }
}

mock_resource "aws_sqs_queue" {
  defaults = {
    arn = "arn:aws:sqs:eu-west-1:123456789012:spotify-etl-ingest"
    url = "https://sqs.eu-west-1.amazonaws.com/123456789012/spotify-etl-ingest"
    id  = "https://sqs.eu-west-1.amazonaws.com/123456789012/spotify-etl-ingest"
  }
}

mock_resource "aws_iam_role" {
  defaults = {
    arn = "arn:aws:iam::123456789012:role/spotify-etl"
  }
}

mock_resource "aws_lambda_function" {
  defaults = {
    arn           = "arn:aws:lambda:eu-west-1:123456789012:function:spotify-etl"
    invoke_arn    = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:spotify-etl/invocations"
    qualified_arn = "arn:aws:lambda:eu-west-1:123456789012:function:spotify-etl:$LATEST"
  }
}

mock_resource "aws_cloudwatch_log_group" {
  defaults = {
    arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/spotify-etl"
  }
}

mock_resource "aws_secretsmanager_secret" {
  defaults = {
    arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:spotify-etl/spotify-AbCdEf"
  }
}

mock_resource "aws_sns_topic" {
  defaults = {
    arn = "arn:aws:sns:eu-west-1:123456789012:spotify-etl-alarms"
  }
}

mock_resource "aws_kms_key" {
  defaults = {
    arn    = "arn:aws:kms:eu-west-1:123456789012:key/0b6d4d4e-1111-2222-3333-444455556666"
    key_id = "0b6d4d4e-1111-2222-3333-444455556666"
  }
}

mock_resource "aws_glue_catalog_database" {
  defaults = {
    arn = "arn:aws:glue:eu-west-1:123456789012:database/spotify_etl_dev"
  }
}

mock_resource "aws_glue_crawler" {
  defaults = {
    arn = "arn:aws:glue:eu-west-1:123456789012:crawler/spotify-etl"
  }
}

mock_resource "aws_cloudwatch_metric_alarm" {
  defaults = {
    arn = "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:spotify-etl"
  }
}

mock_resource "aws_cloudwatch_event_rule" {
  defaults = {
    arn = "arn:aws:events:eu-west-1:123456789012:rule/spotify-etl-crawler-failed"
  }
}

mock_resource "aws_athena_workgroup" {
  defaults = {
    arn = "arn:aws:athena:eu-west-1:123456789012:workgroup/spotify-etl"
  }
}

mock_resource "aws_scheduler_schedule" {
  defaults = {
    arn = "arn:aws:scheduler:eu-west-1:123456789012:schedule/default/spotify-etl-extract"
  }
}
