# Two entry points for a fresh machine with Python 3.11 and pip:
#   make demo   - set up .venv and run the main job (fasrgan demo) on the built-in photos
#   make test   - set up .venv and run the whole test suite on TensorFlow, JAX and PyTorch,
#                 then build the docs strictly
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# The CPU build of PyTorch; an unpinned torch pulls a CUDA build of several GB.
TORCH ?= torch==2.13.0
PYTEST_WORKERS ?= 2
STAMP := $(VENV)/.installed

.PHONY: demo test test-tf test-jax test-torch docs benchmark venv clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -q "$(TORCH)"
	$(PY) -m pip install -q -e ".[test,jax,torch,docs,onnx,litert]"
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	KERAS_BACKEND=tensorflow $(VENV)/bin/fasrgan demo

test: $(STAMP)
	$(MAKE) test-tf test-jax test-torch docs

test-tf: $(STAMP)
	KERAS_BACKEND=tensorflow $(PY) -m pytest -q -n $(PYTEST_WORKERS) --durations=15 tests

test-jax: $(STAMP)
	KERAS_BACKEND=jax $(PY) -m pytest -q -n $(PYTEST_WORKERS) -m multi_backend tests

test-torch: $(STAMP)
	KERAS_BACKEND=torch $(PY) -m pytest -q -n $(PYTEST_WORKERS) -m multi_backend tests

docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict -q

benchmark: $(STAMP)
	$(PY) benchmarks/run_all.py

clean:
	rm -rf $(VENV) site build *.egg-info fasrgan-demo .cache
