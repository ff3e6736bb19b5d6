from django.urls import path

from accounts.auditing import views

app_name = "audit"

urlpatterns = [
    path("", views.event_list, name="event-list"),
    path("export/", views.event_export, name="event-export"),
]
