"""The bot's framework: plain messages, configuration and the dispatcher. No LINE, no Flask."""
