"""Test and benchmark support, outside the product's layers: synthetic cases with planted
failures and the answer key read from the protocol files. Only the tests, the benchmarks and
the ``synth`` command import it."""
