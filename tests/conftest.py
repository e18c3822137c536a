"""Fixture plugins shared by the whole suite."""

pytest_plugins = ["tests.sandbox_plugin"]
