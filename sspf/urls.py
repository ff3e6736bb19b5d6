from django.urls import path

from sspf import views

app_name = "sspf"

urlpatterns = [
    path("referrals/", views.referral_list, name="referral-list"),
    path("referrals/new/", views.referral_create, name="referral-create"),
    path("referrals/<uuid:pk>/", views.referral_detail, name="referral-detail"),
    path("referrals/<uuid:pk>/steps/<slug:step>/", views.referral_step, name="referral-step"),
    path("referrals/<uuid:pk>/report/", views.referral_report, name="referral-report"),
    path("referrals/<uuid:pk>/consents/new/", views.consent_create, name="consent-create"),
    path(
        "referrals/<uuid:pk>/consents/<uuid:consent_pk>/withdraw/",
        views.consent_withdraw,
        name="consent-withdraw",
    ),
]
