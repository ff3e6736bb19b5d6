from django.urls import path

from casework.disclosures import views as disclosure_views
from casework.documents.urls import document_paths
from casework.documents.views import document_views
from casework.journal import views as journal_views
from casework.persons import views as person_views
from casework.persons.documents import PERSON_DOCUMENT_PAGES
from casework.reports import summary_views as report_summary_views
from casework.reports import views as report_views
from casework.reports.pages import REPORT_DOCUMENT_PAGES, REPORT_RECORD_PAGES

report_records = journal_views.case_record_views(REPORT_RECORD_PAGES)
report_documents = document_views(REPORT_DOCUMENT_PAGES)
person_documents = document_views(PERSON_DOCUMENT_PAGES)


app_name = "casework"

urlpatterns = [
    path("persons/", person_views.person_search, name="person-search"),
    path("persons/new/", person_views.person_create, name="person-create"),
    path("persons/<uuid:pk>/", person_views.person_detail, name="person-detail"),
    path("persons/<uuid:pk>/open/", person_views.person_open, name="person-open"),
    path("persons/<uuid:pk>/edit/", person_views.person_edit, name="person-edit"),
    path(
        "persons/<uuid:pk>/disclosures/new/",
        disclosure_views.disclosure_create,
        name="disclosure-create",
    ),
    path("reports/", report_views.report_list, name="report-list"),
    path("reports/unit/", report_views.unit_reports, name="unit-reports"),
    path("reports/summary/", report_summary_views.report_summary, name="report-summary"),
    path(
        "reports/summary/year/",
        report_summary_views.report_year_report,
        name="report-year-report",
    ),
    path("reports/new/", report_views.report_create, name="report-create"),
    path("reports/<uuid:pk>/", report_views.report_detail, name="report-detail"),
    path("reports/<uuid:pk>/assign/", report_views.report_assign, name="report-assign"),
    path("reports/<uuid:pk>/steps/<slug:step>/", report_views.report_step, name="report-step"),
    path("reports/<uuid:pk>/contacts/new/", report_records.contact_create, name="contact-create"),
    path("reports/<uuid:pk>/journal/new/", report_records.journal_create, name="journal-create"),
    path(
        "reports/<uuid:pk>/journal/<uuid:entry_pk>/",
        report_records.journal_edit,
        name="journal-edit",
    ),
    path(
        "reports/<uuid:pk>/journal/<uuid:entry_pk>/sign/",
        report_records.journal_sign,
        name="journal-sign",
    ),
    *document_paths("persons", person_documents, PERSON_DOCUMENT_PAGES.urls),
    *document_paths("reports", report_documents, REPORT_DOCUMENT_PAGES.urls),
]
