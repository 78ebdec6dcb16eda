"""`app` for gunicorn: `gunicorn -w 1 --threads 64 -k gthread wsgi:app` (see Procfile)."""

from inbox import create_app

app = create_app()
