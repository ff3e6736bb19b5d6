"""The intake API's URLs, each with its access rule (accounts/access.py).

The operations are public to the 2FA middleware: a sending system has no
session and no second factor. They are not open: every operation requires
the sender's token (intake/api.py, ``SenderToken``), checked on each call,
and a refused call is logged and flagged. The OpenAPI description and the
API's root are for signed-in users (``access.verified``, set through
``docs_decorator``).
"""

from accounts import access
from intake.api import api

# Ninja reverses its own URLs in the namespace ``urls_namespace`` ("intake").
app_name = api.urls_namespace
urlpatterns = api.urls[0]

for _pattern in urlpatterns:
    if not hasattr(_pattern.callback, "access_rule"):
        if _pattern.name == "api-root":
            access.verified(_pattern.callback)
        else:
            access.public(_pattern.callback)
