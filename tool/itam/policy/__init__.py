"""Lifecycle policies: loading policies/, selecting entities, applying waivers."""
