# Frontline: `make run` to chat, `make test` to check everything.
SHELL := /bin/bash
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export UV_PYTHON_DOWNLOADS := never
export PYTHONDONTWRITEBYTECODE := 1

UV := $(shell if uv --version >/dev/null 2>&1; then echo uv; else echo "python3 -m uv"; fi)
RUN := $(UV) run --frozen --no-sync

.PHONY: help install model run cluster chat test test-fast lint eval clean

help:
	@echo "make run    install what is missing, train if the training data changed, start the bot"
	@echo "make test   install what is missing, then run lint and the whole test suite"
	@echo "make cluster  the scaled-out shape: PostgreSQL, Redis, 2 Rasa + 2 action servers, HAProxy"
	@echo "make chat   chat with the running bot in this terminal"
	@echo "make eval   FAQ retrieval benchmark; writes reports/faq-eval.{json,md}"
	@echo "make lint   ruff and mypy"

# uv comes from pip when it is missing; every install is `uv sync --frozen` from uv.lock.
install:
	@uv --version >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	@$(UV) sync --frozen

model: install
	@$(RUN) frontline train

# Library deprecation warnings (TensorFlow, sanic, SQLAlchemy 2.0 notices inside Rasa)
# would bury the bot's own log lines; the tests still show them.
run: export PYTHONWARNINGS := ignore
run: model
	@mkdir -p var
	@echo ""
	@echo "  Frontline is starting: Rasa server on http://localhost:$${FRONTLINE_RASA_PORT:-5005}, actions on :$${FRONTLINE_ACTIONS_PORT:-5055}."
	@echo ""
	@echo "  Chat in your browser:  http://localhost:$${FRONTLINE_RASA_PORT:-5005}/chat"
	@echo "  (once the log says the server is up; or in another terminal: make chat)"
	@echo "  Agents' inbox:         http://localhost:$${FRONTLINE_RASA_PORT:-5005}/agent  (accounts: uv run frontline agents add NAME)"
	@echo "  Telegram and Slack switch on when their FRONTLINE_* credentials are set (README)."
	@echo "  Stop with Ctrl-C."
	@echo ""
	@$(RUN) frontline supervise --procfile Procfile

# The scaled-out shape on this machine (README, "Scaling out"): same URLs as make run.
cluster: export PYTHONWARNINGS := ignore
cluster: model
	@$(RUN) frontline cluster run

chat: install
	@$(RUN) frontline chat --url http://localhost:$${FRONTLINE_RASA_PORT:-5005}

lint: install
	@$(RUN) ruff check bot actions tests bench
	@$(RUN) mypy bot actions

test: install lint
	@$(RUN) frontline faq check
	@$(RUN) frontline tone check
	@$(RUN) pytest

test-fast: install
	@$(RUN) pytest -m "not slow"

eval: install
	@$(RUN) frontline eval faq --suite --out reports

clean:
	rm -rf var models .pytest_cache .mypy_cache .ruff_cache
