"""Typer commands: each parses, calls one function of `collector`, and renders."""
