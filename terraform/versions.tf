terraform {
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 7.0"
    }
  }

  # Shared state: uncomment, then `terraform init -backend-config=backend.hcl`
  # (see backend.hcl.example and docs/DEPLOY.md). Without it, state stays local.
  # backend "s3" {}
}
