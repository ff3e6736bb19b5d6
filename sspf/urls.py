from django.urls import path

from casework.documents.urls import document_paths
from casework.documents.views import document_views
from sspf import summary_views, views
from sspf.documents import REFERRAL_DOCUMENT_PAGES

referral_documents = document_views(REFERRAL_DOCUMENT_PAGES)

app_name = "sspf"

urlpatterns = [
    path("referrals/", views.referral_list, name="referral-list"),
    path("summary/", summary_views.sspf_summary, name="summary"),
    path("summary/year/", summary_views.sspf_year_report, name="year-report"),
    path("referrals/new/", views.referral_create, name="referral-create"),
    path("referrals/export/", views.referral_export, name="referral-export"),
    path("referrals/<uuid:pk>/", views.referral_detail, name="referral-detail"),
    path("referrals/<uuid:pk>/steps/<slug:step>/", views.referral_step, name="referral-step"),
    path("referrals/<uuid:pk>/report/", views.referral_report, name="referral-report"),
    path("referrals/<uuid:pk>/consents/new/", views.consent_create, name="consent-create"),
    path("groups/<int:pk>/", views.group_detail, name="group-detail"),
    path("groups/<int:pk>/meetings/new/", views.meeting_create, name="meeting-create"),
    path("meetings/<uuid:pk>/", views.meeting_detail, name="meeting-detail"),
    path("meetings/<uuid:pk>/print/", views.meeting_print, name="meeting-print"),
    path(
        "meetings/<uuid:pk>/items/<uuid:item_pk>/move/",
        views.agenda_item_move,
        name="agenda-item-move",
    ),
    path(
        "meetings/<uuid:pk>/items/<uuid:item_pk>/minutes/",
        views.agenda_item_minute,
        name="agenda-item-minute",
    ),
    path(
        "meetings/<uuid:pk>/items/<uuid:item_pk>/actions/new/",
        views.action_create,
        name="action-create",
    ),
    path("actions/<uuid:pk>/done/", views.action_done, name="action-done"),
    path(
        "referrals/<uuid:pk>/consents/<uuid:consent_pk>/withdraw/",
        views.consent_withdraw,
        name="consent-withdraw",
    ),
    *document_paths("referrals", referral_documents, REFERRAL_DOCUMENT_PAGES.urls),
]
