# Two commands on a fresh machine: `make run` (the bot on http://localhost:8000) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export PYTHAINLP_OFFLINE := 1
export PORT ?= 8000

.PHONY: run test lint eval bench chat clean fonts richmenu

$(BIN)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

install: $(BIN)/.installed

run: $(BIN)/.installed
	$(BIN)/flask --app bot db upgrade
	$(BIN)/gunicorn -c gunicorn.conf.py 'bot:create_app()'

test: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

eval: $(BIN)/.installed
	$(BIN)/flask --app bot kb eval ../shared/eval/questions.jsonl

chat: $(BIN)/.installed
	$(BIN)/flask --app bot chat

# The rich menu's image is drawn with a Thai font (Debian's fonts-thai-tlwg); English labels without one.
fonts:
	@[ -d /usr/share/fonts/truetype/tlwg ] || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
		&& { apt-get install -y -q fonts-thai-tlwg >/dev/null 2>&1 || { apt-get update -q >/dev/null 2>&1 \
		&& apt-get install -y -q fonts-thai-tlwg >/dev/null 2>&1; }; }; } \
		|| echo "fonts-thai-tlwg could not be installed: set RICHMENU_FONT to a Thai .ttf, or the labels are English"

richmenu: $(BIN)/.installed fonts
	$(BIN)/flask --app bot richmenu deploy

lint: $(BIN)/.installed
	$(BIN)/ruff check .

# Load benchmark of the webhook against an echo baseline (README § Benchmark); about 3.5 minutes.
# It needs wrk (installed from Debian's package when run as root); BENCH_ARGS passes options to bench/run.py.
bench: $(BIN)/.installed
	@command -v wrk >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && { apt-get install -y -q wrk >/dev/null 2>&1 \
		|| { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q wrk >/dev/null 2>&1; }; }; } \
		|| echo "wrk could not be installed: install it to run the benchmark"
	$(BIN)/python -m bench.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache .hypothesis
