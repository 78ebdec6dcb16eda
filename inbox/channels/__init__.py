"""One adapter per provider (verify, parse, send) and the registry naming them."""
