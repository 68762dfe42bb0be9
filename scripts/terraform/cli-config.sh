#!/usr/bin/env bash
# Writes a Terraform CLI config file that installs providers from a local filesystem mirror
# when this machine has one, and prints its path; prints nothing when there is no mirror, so
# `terraform init` then downloads from the registry as on any user's machine.
# The mirror is TF_PLUGIN_MIRROR when set, else the first of the usual places that holds
# registry.terraform.io/hashicorp/aws.
set -euo pipefail

out="${1:?usage: cli-config.sh OUTPUT_FILE}"
candidates=()
if [[ -n "${TF_PLUGIN_MIRROR:-}" ]]; then
  candidates=("$TF_PLUGIN_MIRROR")
else
  candidates=(
    /opt/tf-plugins
    "$HOME/.terraform.d/plugins"
    "$HOME/.local/share/terraform/plugins"
    /usr/local/share/terraform/plugins
    /usr/share/terraform/plugins
  )
fi

for dir in "${candidates[@]}"; do
  if [[ -d "$dir/registry.terraform.io/hashicorp/aws" ]]; then
    mkdir -p "$(dirname "$out")"
    cat >"$out" <<HCL
# Written by scripts/terraform/cli-config.sh: providers from the mirror at $dir.
provider_installation {
  filesystem_mirror {
    path    = "$dir"
    include = ["registry.terraform.io/hashicorp/*"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/*"]
  }
}
HCL
    printf '%s\n' "$(cd "$(dirname "$out")" && pwd)/$(basename "$out")"
    exit 0
  fi
done
if [[ -n "${TF_PLUGIN_MIRROR:-}" ]]; then
  echo "cli-config.sh: TF_PLUGIN_MIRROR=$TF_PLUGIN_MIRROR holds no registry.terraform.io/hashicorp/aws" >&2
  exit 1
fi
