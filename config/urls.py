from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("audit/", include("accounts.auditing.urls")),
    path("passkeys/", include("accounts.passkeys")),
    path("", include("accounts.urls")),
    path("", include("casework.urls")),
    path("sspf/", include("sspf.urls")),
    path("avhopp/", include("avhopp.urls")),
    path("areas/", include("areas.urls")),
    path("api/intake/", include("intake.urls")),
    path("retention/", include("retention.urls")),
    path("subject-access/", include("subject_access.urls")),
]

handler400 = "accounts.errors.bad_request"
handler403 = "accounts.errors.permission_denied"
handler404 = "accounts.errors.not_found"
handler500 = "accounts.errors.server_error"
