from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.start, name="start"),
    path("login/", views.sign_in, name="login"),
    path("logout/", views.sign_out, name="logout"),
    path("2fa/", views.verify, name="verify"),
    path("2fa/enrol/", views.enrol, name="enrol"),
    path("security/", views.security, name="security"),
    path("security/reauthenticate/", views.reauthenticate, name="reauthenticate"),
    path("security/backup-codes/", views.backup_codes_new, name="backup-codes-new"),
    path("security/passkeys/<int:pk>/remove/", views.passkey_remove, name="passkey-remove"),
    path("password-reset/", views.password_reset, name="password-reset"),
    path("password-reset/sent/", views.password_reset_sent, name="password-reset-sent"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password-reset-confirm",
    ),
    path(
        "password-reset/complete/",
        views.password_reset_complete,
        name="password-reset-complete",
    ),
    path("language/", views.set_language, name="set-language"),
    path("health/", views.health, name="health"),
]
