# spotify-etl: every target installs what it needs (npm ci) when node_modules is missing or stale.
SHELL := /bin/bash
.DEFAULT_GOAL := help
.PHONY: help deps venv build test jest terraform-test typecheck lint fmt unit integration bench demo demo-failure query \
        deploy plan destroy replay-dlq reprocess import-charts invoke-extract logs alarms spotify-login \
        transform-files clean report chromium

export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ?= true
DEPS := node_modules/.install-stamp
TSX := node_modules/.bin/tsx
TF_DIR := terraform
# Python tools (checkov, moto, pyarrow, polars, fastparquet, pandas) live in an ignored venv.
VENV := .venv
VENV_STAMP := $(VENV)/.install-stamp
PYTHON := $(VENV)/bin/python
# The report's browser tests drive Debian's chromium through playwright-core (which downloads no
# browser); installed with apt-get when missing, as root or through sudo.
CHROMIUM := /usr/bin/chromium
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
# Terraform installs providers from a local mirror when the machine has one (TF_PLUGIN_MIRROR,
# or the usual places); otherwise from the registry, as on a user's machine.
TF_CLI_CONFIG := .tfcli/terraformrc
export TF_CLI_CONFIG_FILE := $(shell scripts/terraform/cli-config.sh $(TF_CLI_CONFIG) 2>/dev/null)
# Reads one Terraform output of the deployed stack (ops targets); empty when there is none
# (the scripts then say to run `make deploy` first). JSON, because -raw prints warnings to stdout.
tf_output = $(shell terraform -chdir=$(TF_DIR) output -json 2>/dev/null | node -e \
  'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{const o=JSON.parse(s)["$(1)"];if(o)process.stdout.write(String(o.value))}catch{}})')

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

$(DEPS): package.json package-lock.json $(wildcard patches/*.patch)
	npm ci --no-audit --no-fund
	@touch $@

deps: $(DEPS) ## Install dependencies (npm ci) if missing or stale

$(VENV_STAMP): requirements-dev.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

venv: $(VENV_STAMP) ## Python tools for the tests (checkov, moto, Parquet readers) in .venv/

$(CHROMIUM):
	$(SUDO) apt-get update -qq
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium

chromium: $(CHROMIUM) ## Install Debian's chromium (the report's browser tests) if missing

build: $(DEPS) ## Bundle the Lambda handlers into dist/extract.zip and dist/transform.zip
	$(TSX) scripts/build.ts

# Jest takes one worker on two cores and waits on moto's apply for most of its run, so the
# Terraform checks run beside it (docs/adr/0078); each prints its output when it ends.
test: venv typecheck lint $(CHROMIUM) ## Type check, lint, then Terraform checks and both Jest projects side by side
	@echo "Terraform checks and Jest run side by side; each prints its output when it ends."
	@$(MAKE) -f $(firstword $(MAKEFILE_LIST)) --no-print-directory -j2 --output-sync=target terraform-test jest

jest: build venv $(CHROMIUM) ## Both Jest projects
	NODE_OPTIONS=--experimental-vm-modules npx jest $(ARGS)

terraform-test: build venv ## terraform fmt/validate/test of every module, and checkov
	scripts/terraform/test.sh

unit: $(DEPS) ## Jest unit project: in process, no emulator, network or child process (ARGS=... filters)
	NODE_OPTIONS=--experimental-vm-modules npx jest --selectProjects unit $(ARGS)

integration: venv build $(CHROMIUM) ## Jest integration project: emulators, local Spotify API, child processes (ARGS=...)
	NODE_OPTIONS=--experimental-vm-modules npx jest --selectProjects integration $(ARGS)

typecheck: $(DEPS) ## tsc --noEmit
	npx tsc --noEmit

lint: $(DEPS) ## ESLint and Prettier checks
	npx eslint .
	npx prettier --check .

fmt: $(DEPS) ## Format TypeScript (Prettier, ESLint --fix) and Terraform (terraform fmt)
	npx prettier --write .
	npx eslint --fix .
	terraform fmt -recursive $(TF_DIR)

bench: build venv ## Benchmark rows as ratios to DuckDB, measured in one run (docs/BENCHMARKS.md)
	$(TSX) scripts/bench/bench.ts

dist/transform-files.mjs: $(DEPS) scripts/build.ts scripts/transform-files.ts scripts/lib/transform-files.ts \
  $(wildcard functions/shared/*.ts functions/transform/*.ts)
	$(TSX) scripts/build.ts transform-files

transform-files: dist/transform-files.mjs ## Convert local raw files: make transform-files ARGS="--out DIR FILE..."
	node dist/transform-files.mjs $(ARGS)

demo: build ## Run the whole pipeline locally (no AWS account, no Spotify credentials)
	$(TSX) scripts/demo.ts $(ARGS)

demo-failure: build ## The local pipeline with a poison message that ends in the dead-letter queue
	$(TSX) scripts/demo.ts --with-poison-message $(ARGS)

query: $(DEPS) ## Run a named query: make query Q=name [TARGET=aws] [ARGS="--lake DIR"]; no Q lists them
	$(TSX) scripts/query.ts $(Q) $(if $(filter aws,$(TARGET)),--target aws \
	  --workgroup "$(call tf_output,athena_workgroup_name)" --database "$(call tf_output,glue_database_name)") $(ARGS)

report: $(DEPS) ## HTML report of the lake: make report [TARGET=aws] [OUT=file.html] [NOW=ISO time]
	$(TSX) scripts/report/cli.ts $(if $(filter aws,$(TARGET)),--target aws \
	  --workgroup "$(call tf_output,athena_workgroup_name)" --database "$(call tf_output,glue_database_name)") \
	  $(if $(OUT),--out "$(OUT)") $(if $(NOW),--now "$(NOW)") $(ARGS)

deploy: build ## Build, terraform init and apply
	@scripts/terraform/preflight.sh
	terraform -chdir=$(TF_DIR) init
	terraform -chdir=$(TF_DIR) apply

plan: build ## terraform init and plan
	@scripts/terraform/preflight.sh
	terraform -chdir=$(TF_DIR) init
	terraform -chdir=$(TF_DIR) plan

destroy: build ## terraform destroy
	@scripts/terraform/preflight.sh
	terraform -chdir=$(TF_DIR) destroy

replay-dlq: $(DEPS) ## Move dead-lettered messages back to the ingest queue (ARGS="--dry-run" etc.)
	$(TSX) scripts/ops.ts replay-dlq --dlq-url "$(call tf_output,dead_letter_queue_url)" $(ARGS)

import-charts: $(DEPS) ## Upload Spotify Charts CSV exports: make import-charts FILES="a.csv dir/" [TARGET=local] [ARGS=--force]
	$(TSX) scripts/ops.ts import-charts $(if $(filter local,$(TARGET)),--local,--bucket "$(call tf_output,data_bucket_name)") \
	  $(ARGS) $(FILES)

reprocess: $(DEPS) ## Send processed snapshots through the transform again: FROM=YYYY-MM-DD TO=YYYY-MM-DD
	$(TSX) scripts/ops.ts reprocess --bucket "$(call tf_output,data_bucket_name)" \
	  $(if $(FROM),--from $(FROM)) $(if $(TO),--to $(TO)) $(if $(KEY),--key "$(KEY)") $(ARGS)

invoke-extract: $(DEPS) ## Run the deployed extract function now
	$(TSX) scripts/ops.ts invoke-extract --function "$(call tf_output,extract_function_name)" $(ARGS)

logs: $(DEPS) ## Recent logs of a deployed function: make logs FN=extract|transform [ARGS="--since 6h --filter ERROR"]
	$(if $(filter-out extract transform,$(or $(FN),transform)),$(error FN must be extract or transform, got "$(FN)"))
	$(TSX) scripts/ops.ts logs --function "$(call tf_output,$(or $(FN),transform)_function_name)" $(ARGS)

alarms: $(DEPS) ## Every alarm of this deployment with its state and reason
	$(TSX) scripts/ops.ts alarms --prefix "$(call tf_output,name_prefix)" $(ARGS)

# With a deployment, the login reads the app credentials from its secret and stores the token there.
spotify-login: $(DEPS) ## One-time authorization-code login: stores the refresh token in the deployment's secret (or prints it)
	@$(TSX) scripts/spotify-login.ts $(if $(call tf_output,spotify_secret_arn),--secret-arn "$(call tf_output,spotify_secret_arn)") $(ARGS)

clean: ## Remove build output and the local lake
	rm -rf dist reports .lake
