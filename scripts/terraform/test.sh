#!/usr/bin/env bash
# The Terraform part of `make test`: the real toolchain on terraform/ and every module in it.
#   terraform fmt -check -recursive; per module: init -backend=false, validate, test
#   (tests/*.tftest.hcl, mock AWS provider); then checkov over terraform/.
# Providers come from TF_CLI_CONFIG_FILE (the Makefile points it at a local mirror when the
# machine has one) or from the registry, cached once in .tfcli/plugin-cache for all modules.
set -euo pipefail
cd "$(dirname "$0")/../.."

export TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
if [[ -z "${TF_CLI_CONFIG_FILE:-}" ]]; then
  export TF_PLUGIN_CACHE_DIR="$PWD/.tfcli/plugin-cache"
  mkdir -p "$TF_PLUGIN_CACHE_DIR"
fi
checkov="${CHECKOV:-.venv/bin/checkov}"

command -v terraform >/dev/null || { echo "terraform is not on PATH: install Terraform >= 1.9 (docs/DEPLOY.md)" >&2; exit 1; }
[[ -x "$checkov" ]] || { echo "$checkov is missing: run \`make venv\`" >&2; exit 1; }

echo "terraform fmt -check -recursive terraform"
terraform fmt -check -recursive -diff terraform

# Each module on its own: a failing module must not hide the others' results.
failed=()
for dir in terraform terraform/modules/*; do
  echo "== $dir"
  if ! compgen -G "$dir/tests/*.tftest.hcl" >/dev/null; then
    echo "$dir has no tests/*.tftest.hcl suite" >&2
    failed+=("$dir (no tests)")
    continue
  fi
  if ! log=$(terraform -chdir="$dir" init -backend=false -input=false -no-color 2>&1); then
    printf '%s\n' "$log" >&2
    failed+=("$dir (init)")
    continue
  fi
  terraform -chdir="$dir" validate -no-color || { failed+=("$dir (validate)"); continue; }
  terraform -chdir="$dir" test -no-color || failed+=("$dir (test)")
done

# Every failed check fails the run unless the code skips it with #checkov:skip=ID:reason
# next to the resource (docs/DEPLOY.md lists each skip). --skip-download: no network.
echo "== checkov"
"$checkov" --directory terraform --framework terraform --download-external-modules false \
  --skip-download --quiet --compact --output cli || failed+=("checkov")

if ((${#failed[@]})); then
  printf 'Terraform checks failed: %s\n' "${failed[@]}" >&2
  exit 1
fi
echo "Terraform: fmt, validate, test and checkov passed."
