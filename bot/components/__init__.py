"""Custom Rasa graph components for signpost (referenced by module path in bot/config.yml)."""
