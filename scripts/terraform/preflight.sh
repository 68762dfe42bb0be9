#!/usr/bin/env bash
# Checks what `make deploy`, `make plan` and `make destroy` need before Terraform runs, and
# stops with a message saying what to do: a terraform binary (>= 1.9), AWS credentials in
# any form the AWS provider reads, and the Lambda zips from `make build`.
# It makes no network call: credentials are looked for, not tried.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dist_dir="${DIST_DIR:-$repo_root/dist}"
dmi_dir="${PREFLIGHT_DMI_DIR:-/sys/devices/virtual/dmi/id}"
problems=0

fail() {
  printf 'preflight: %s\n' "$1" >&2
  problems=$((problems + 1))
}

# --- terraform ----------------------------------------------------------------------------
if ! command -v terraform >/dev/null 2>&1; then
  fail "terraform is not on PATH. Install Terraform 1.9 or later (https://developer.hashicorp.com/terraform/install), then run this again."
else
  version="$(terraform version 2>/dev/null | sed -n 's/^Terraform v\([0-9][0-9.]*\).*/\1/p' | head -n 1)"
  major="${version%%.*}"
  minor="${version#*.}"
  minor="${minor%%.*}"
  if [[ -z "$version" ]]; then
    fail "could not read the version of $(command -v terraform); Terraform 1.9 or later is needed."
  elif ((major < 1 || (major == 1 && minor < 9))); then
    fail "terraform $version is too old: the configuration needs 1.9 or later."
  fi
fi

# --- AWS credentials ------------------------------------------------------------------------
credentials_source=""
if [[ -n "${AWS_ACCESS_KEY_ID:-}" && -n "${AWS_SECRET_ACCESS_KEY:-}" ]]; then
  credentials_source="AWS_ACCESS_KEY_ID in the environment"
elif [[ -n "${AWS_PROFILE:-}" ]]; then
  credentials_source="AWS_PROFILE=$AWS_PROFILE"
elif [[ -n "${AWS_WEB_IDENTITY_TOKEN_FILE:-}" && -n "${AWS_ROLE_ARN:-}" ]]; then
  credentials_source="a web identity token (AWS_WEB_IDENTITY_TOKEN_FILE)"
elif [[ -n "${AWS_CONTAINER_CREDENTIALS_RELATIVE_URI:-}${AWS_CONTAINER_CREDENTIALS_FULL_URI:-}" ]]; then
  credentials_source="the container's role (ECS, CodeBuild, EKS Pod Identity)"
elif [[ -s "${AWS_SHARED_CREDENTIALS_FILE:-$HOME/.aws/credentials}" ]]; then
  credentials_source="${AWS_SHARED_CREDENTIALS_FILE:-~/.aws/credentials}"
elif [[ -s "${AWS_CONFIG_FILE:-$HOME/.aws/config}" ]] &&
  grep -Eq '^[[:space:]]*(sso_|credential_process|role_arn|aws_access_key_id|login_session)' "${AWS_CONFIG_FILE:-$HOME/.aws/config}"; then
  credentials_source="${AWS_CONFIG_FILE:-~/.aws/config}"
elif grep -qs 'Amazon EC2' "$dmi_dir/sys_vendor" "$dmi_dir/board_vendor"; then
  credentials_source="the EC2 instance's role"
fi
if [[ -z "$credentials_source" ]]; then
  fail "no AWS credentials found. Configure them in one of the ways the AWS provider reads:
  - aws configure (or aws configure sso / aws login) to write ~/.aws/credentials or ~/.aws/config,
  - export AWS_PROFILE=<profile>,
  - export AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=... (and AWS_SESSION_TOKEN),
  - or run where a role is attached (EC2 instance profile, ECS/CodeBuild task role, web identity)."
fi

# --- Lambda packages ------------------------------------------------------------------------
# Terraform hashes the zips (source_code_hash) on every plan, apply and destroy.
for name in extract transform; do
  if [[ ! -s "$dist_dir/$name.zip" ]]; then
    fail "$dist_dir/$name.zip is missing: run \`make build\` first."
  fi
done

if ((problems > 0)); then
  printf 'preflight: %d problem(s); nothing was changed.\n' "$problems" >&2
  exit 1
fi

if [[ ! -f "$repo_root/terraform/terraform.tfvars" && -z "${TF_VAR_playlist_ids:-}" ]]; then
  printf 'preflight: note: no terraform/terraform.tfvars (copy terraform/terraform.tfvars.example); Terraform will ask for playlist_ids.\n' >&2
fi
printf 'preflight: terraform %s, AWS credentials from %s.\n' "$version" "$credentials_source"
