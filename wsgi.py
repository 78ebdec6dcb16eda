"""`app` for a gunicorn of your own: `gunicorn -w 1 -k gevent --no-control-socket wsgi:app`.

The Procfile runs `inbox web`, which sets the same up (docs/scaling.md). One worker per
process: Flask-SocketIO keeps its connections' state in the process.
"""

from inbox import create_app

app = create_app()
