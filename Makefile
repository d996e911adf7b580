# Two commands for a newcomer: `make run` (install + demo + web/worker/beat) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements/dev.lock | cksum | cut -d' ' -f1)

.PHONY: run test install lint format check-deploy demo clean

$(STAMP): requirements/dev.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements/dev.lock
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py compilemessages --ignore=.venv -v0 2>/dev/null || true
	$(BIN)/python manage.py seed_demo
	$(BIN)/python scripts/run_local.py

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check-deploy: install
	DJANGO_SETTINGS_MODULE=config.settings.production \
	DJANGO_SECRET_KEY=$$(head -c 48 /dev/urandom | base64) \
	DJANGO_ALLOWED_HOSTS=lvzhi.example.org \
	CACHE_URL=redis://127.0.0.1:6379/1 \
	DJANGO_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var
