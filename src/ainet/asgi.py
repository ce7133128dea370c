"""The ASGI application, for gunicorn with uvicorn workers (docs/operations.md, ADR 0007):
the safety fast path (ainet/api/fastpath.py, `SafetyFastPathASGI`) answers the usual
token-authenticated safety update on the event loop, and hands everything else to Django's
WSGI application running in a fixed pool of threads (a2wsgi), as gunicorn's gthread worker
would run it: no thread per request, and each thread keeps its database connection."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ainet.settings")
django_application = get_wsgi_application()

from a2wsgi import WSGIMiddleware  # noqa: E402 - after Django is set up
from django.conf import settings  # noqa: E402

from ainet.api.fastpath import SafetyFastPathASGI  # noqa: E402

# a2wsgi's types are narrower than Django's (a response is an iterable of bytes) and than the
# fast path's plain dicts for ASGI messages.
django_in_threads = WSGIMiddleware(
    django_application,  # type: ignore[arg-type]
    workers=settings.ASGI_THREADS,
)
application = SafetyFastPathASGI(
    django_in_threads,  # type: ignore[arg-type]
    executor=django_in_threads.executor,
)
