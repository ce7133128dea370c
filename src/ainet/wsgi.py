"""The WSGI application: Django's, behind the safety fast path (ainet/api/fastpath.py), which
answers the usual token-authenticated safety update itself and hands Django the rest."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ainet.settings")
django_application = get_wsgi_application()

from ainet.api.fastpath import SafetyFastPath  # noqa: E402 - needs the apps loaded

application = SafetyFastPath(django_application)
