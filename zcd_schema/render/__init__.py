"""Renderers: pure functions from results to text. Nothing here writes to the terminal."""
