"""Browser pages served from frontend/: login, logout and the desk shell."""
