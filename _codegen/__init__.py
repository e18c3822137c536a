"""Internals of ``codegen.py`` (the CLI): spec loading, layout extraction, emitters, runners."""
