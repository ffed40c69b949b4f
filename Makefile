# Benchmarks, run on demand (not part of the test suite); see README "Benchmarks".
.PHONY: bench
bench:
	.venv/bin/python -m bench.run
