import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

# Refuse to serve with a master key that does not open the data already
# written: better a worker that will not start than one that writes data
# nobody can read.
from vault.services import key_ring_verify  # noqa: E402

key_ring_verify()
