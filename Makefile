# The two commands a new user needs: `make book` and `make test`.
# Each creates .venv on first use and installs the pinned requirements into it.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NOTEBOOKS := $(wildcard chapters/*.ipynb reference/*.ipynb)
# Seed sets besides the page's own (ACTLIB_SEED unset = 0) on which `make test-seeds` runs
# every notebook: each claim in the text must hold on these too. Override: SEED_SETS="7 123".
SEED_SETS ?= 1000 2000
ACTLIB    := $(wildcard actlib/*.py actlib/experiments/*.py)

# Two processes at a time on two cores (pytest-xdist, the book's notebooks): one thread each.
# With two threads apiece, a small model's step waits for a thread that has no core: a
# 25-step training run took 27 s instead of 2 s on a busy machine.
ONE_THREAD := OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1

CHROMIUM ?= chromium
VENDOR := _vendor/.stamp

.PHONY: help install book test lint check-stripped strip unit notebooks site-test chromium \
        lab serve clean test-seeds test-launch check-bootstrap check-reading-time pins \
        handouts student-test

# Which edition `make book` builds: public (the solutions folded under each exercise, and the
# instructors' pages with the quizzes' answers) or student (no solutions, no answer keys; the
# quizzes without answers), from the same sources: make book EDITION=student.
EDITION ?= public
STUDENT := _build/student
HANDOUTS := _build/html/_static/handouts/course.pdf

help:
	@echo "make book    build the site into _build/html (warnings are errors)"
	@echo "make book EDITION=student  the student edition, without solutions, into $(STUDENT)/html"
	@echo "make handouts  print each chapter and the whole course to PDF (A4), into the site"
	@echo "make test    check notebooks are stripped, lint, unit tests, run every chapter (nbval)"
	@echo "make test-seeds  run every notebook again on the other seed sets (SEED_SETS)"
	@echo "make test-launch  Colab's bootstrap cell and Binder's set-up, each in a fresh venv"
	@echo "make pins    check the README's table of platforms and Pythons the pins resolve for"
	@echo "make site-test  open every built page in headless Chromium and check links and weight"
	@echo "make student-test  check that the student edition has no solutions"
	@echo "make lab     open the chapters in JupyterLab"
	@echo "make serve   serve the built site on http://localhost:8000"
	@echo "make strip   strip outputs from the chapter notebooks before committing"
	@echo "make clean   remove _build (the venv stays; rm -rf .venv to remove it too)"

install: $(STAMP)

# On Linux, PyPI's torch is a CUDA build of several GB; PyTorch's own index has the CPU build,
# which pip prefers (2.13.0+cpu ranks above 2.13.0). An index it cannot reach, it skips.
TORCH_INDEX ?= https://download.pytorch.org/whl/cpu

$(STAMP): requirements.txt constraints.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	if [ "$$(uname -s)" = Linux ]; then $(BIN)/python -m pip install --quiet --no-compile \
	  --retries 0 --timeout 15 --extra-index-url $(TORCH_INDEX) -c constraints.txt torch; fi
	$(BIN)/python -m pip install --quiet --no-compile -r requirements.txt -c constraints.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

# The execution cache keys on notebook code only: throw it away when actlib changes.
_build/.actlib-stamp: $(ACTLIB)
	rm -rf _build/.jupyter_cache
	mkdir -p _build && touch $@

# MathJax and the widget manager, served by the site itself (needs npm; see site/vendor.py).
$(VENDOR): site/vendor.txt site/vendor.py
	$(BIN)/python site/vendor.py
	touch $@

# The notebooks run first, two at a time, into the execution cache (tools/execute_book.py);
# the build then takes them from there.
book: $(STAMP) _build/.actlib-stamp $(VENDOR)
ifeq ($(EDITION),public)
	rm -rf _build/html
	$(ONE_THREAD) $(BIN)/python tools/execute_book.py
	$(BIN)/jupyter-book build . -W -n --keep-going
else ifeq ($(EDITION),student)
	$(BIN)/python tools/edition.py student $(STUDENT)
	rm -rf $(STUDENT)/html $(STUDENT)/_build/html
	$(BIN)/jupyter-book build . -W -n --keep-going --path-output $(STUDENT) \
	  --config $(STUDENT)/_config.yml --toc $(STUDENT)/_toc.yml
	mv $(STUDENT)/_build/html $(STUDENT)/html
else
	@echo "EDITION is public or student, not '$(EDITION)'" && exit 1
endif

# Each chapter and the whole course as PDF on A4, printed offline from the built site by
# headless Chromium, into _build/html/_static/handouts (the Teaching pages link them).
handouts: $(STAMP) chromium
	CHROMIUM="$$(command -v $(CHROMIUM))" $(BIN)/python site/handouts.py

$(HANDOUTS): | $(STAMP) chromium
	CHROMIUM="$$(command -v $(CHROMIUM))" $(BIN)/python site/handouts.py

# The student edition, built by `make book EDITION=student`: no solution and no quiz answer.
student-test: $(STAMP)
	$(BIN)/python -m pytest site/test_student_edition.py -q

# Every page of _build/html in headless Chromium; screenshots go to _build/screenshots.
# The pages link the handouts, so they are printed first if they are missing. Two browsers at
# a time: most of a page's time is spent waiting for late requests.
site-test: $(STAMP) chromium $(HANDOUTS)
	CHROMIUM="$$(command -v $(CHROMIUM))" $(BIN)/python -m pytest site -q -n 2 \
	  --ignore=site/test_student_edition.py

# Chromium prints and tests the pages; pdftotext (poppler-utils) reads the handouts' text.
chromium:
	@command -v $(CHROMIUM) >/dev/null && command -v pdftotext >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && \
	    apt-get install -y -qq chromium poppler-utils; \
	  else echo "make site-test needs Chromium and pdftotext:" \
	    "sudo apt-get install chromium poppler-utils" && exit 1; fi; }

test: $(STAMP) check-stripped check-bootstrap check-reading-time lint unit notebooks

check-stripped: $(STAMP)
	$(BIN)/nbstripout --verify $(NOTEBOOKS) || \
	  (echo "Notebooks above have outputs: run 'make strip' and commit again." && exit 1)

# Every notebook opens with the cell that installs actlib on Colab (address from _config.yml).
check-bootstrap: $(STAMP)
	$(BIN)/python tools/bootstrap.py --check

# Every chapter's opening gives its reading time as a number (so Jupyter shows it too); after
# editing a chapter's text: python tools/reading_time.py --write
check-reading-time: $(STAMP)
	$(BIN)/python tools/reading_time.py --check

strip: $(STAMP)
	$(BIN)/nbstripout $(NOTEBOOKS)

lint: $(STAMP)
	$(BIN)/ruff check .

# The unit tests and every docstring example in actlib (doctests), two at a time; they are
# written for fixed seeds, so the seed switch is unset for them.
unit: $(STAMP)
	env -u ACTLIB_SEED $(ONE_THREAD) $(BIN)/python -m pytest tests actlib --doctest-modules -q -n 2

# One notebook or all, on the seeds in ACTLIB_SEED (unset: the page's): make notebooks NB=chapters/03_relu.ipynb
# Two notebooks at a time (pytest-xdist keeps each notebook's cells in order, on one worker).
NB ?= chapters reference
notebooks: $(STAMP)
	MPLBACKEND=agg $(ONE_THREAD) $(BIN)/python -m pytest --nbval-lax --nbval-current-env -q \
	  -n 2 --dist loadfile $(NB)

# Every notebook on each seed set of SEED_SETS: the claims must hold for seeds we never chose.
test-seeds: $(STAMP)
	@for s in $(SEED_SETS); do \
	  echo "== notebooks with ACTLIB_SEED=$$s"; \
	  ACTLIB_SEED=$$s $(MAKE) --no-print-directory notebooks || exit 1; \
	done

# Colab's bootstrap cell and Binder's binder/requirements.txt, each in a new venv. It needs only
# python3 (the script uses the standard library), so it can run while .venv is being made.
test-launch:
	$(PYTHON) tools/check_launch.py

# The README's table of platforms and Pythons for which the pins resolve (uv, needs PyPI).
pins: $(STAMP)
	$(BIN)/python tools/resolve_pins.py --check

lab: $(STAMP)
	$(BIN)/jupyter lab chapters

serve:
	$(PYTHON) -m http.server --directory _build/html 8000

clean:
	rm -rf _build _vendor
