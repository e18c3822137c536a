"""Developer tools run by the Makefile (spec linting)."""
