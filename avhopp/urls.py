from django.urls import path

from avhopp import summary_views, views
from avhopp.pages import EXIT_CASE_DOCUMENT_PAGES, EXIT_CASE_RECORD_PAGES
from casework.documents.urls import document_paths
from casework.documents.views import document_views
from casework.journal.views import case_record_views

case_records = case_record_views(EXIT_CASE_RECORD_PAGES)
case_documents = document_views(EXIT_CASE_DOCUMENT_PAGES)

app_name = "avhopp"

urlpatterns = [
    path("", views.case_list, name="case-list"),
    path("unit/", views.unit_cases, name="unit-cases"),
    path("new/", views.case_create, name="case-create"),
    path("summary/", summary_views.summary_page, name="summary"),
    path("summary/year/", summary_views.year_report, name="year-report"),
    path("<uuid:pk>/", views.case_detail, name="case-detail"),
    path("<uuid:pk>/intake/", views.case_intake, name="case-intake"),
    path("<uuid:pk>/steps/<slug:step>/", views.case_step, name="case-step"),
    path("<uuid:pk>/assign/", views.case_assign, name="case-assign"),
    path("<uuid:pk>/goals/new/", views.goal_create, name="goal-create"),
    path("<uuid:pk>/interventions/new/", views.intervention_create, name="intervention-create"),
    path(
        "<uuid:pk>/interventions/<uuid:intervention_pk>/",
        views.intervention_update,
        name="intervention-update",
    ),
    path("<uuid:pk>/measurements/new/", views.measurement_create, name="measurement-create"),
    path("<uuid:pk>/contacts/new/", case_records.contact_create, name="contact-create"),
    path("<uuid:pk>/journal/new/", case_records.journal_create, name="journal-create"),
    path("<uuid:pk>/journal/<uuid:entry_pk>/", case_records.journal_edit, name="journal-edit"),
    path(
        "<uuid:pk>/journal/<uuid:entry_pk>/sign/",
        case_records.journal_sign,
        name="journal-sign",
    ),
    *document_paths("", case_documents, EXIT_CASE_DOCUMENT_PAGES.urls),
]
