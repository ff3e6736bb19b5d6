from django.urls import path

from accounts.auditing import views

app_name = "audit"

urlpatterns = [
    path("", views.event_list, name="event-list"),
    path("export/", views.event_export, name="event-export"),
    path("review/", views.review_queue, name="review-queue"),
    path("review/<int:pk>/", views.review_item, name="review-item"),
    path("review/report/", views.review_report, name="review-report"),
    path("review/report/export/", views.review_report_export, name="review-report-export"),
]
