"""Thin blueprints: validate input, call one service, render."""
