"""Transports: LINE (webhook and Messaging API), the local chat page and the terminal chat."""
