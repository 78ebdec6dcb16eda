"""Local stand-ins for the outside world: platform HTTP APIs and an SMTP server."""
