from django.urls import path

from retention import views

app_name = "retention"

urlpatterns = [
    path("", views.due_list, name="due-list"),
    path("persons/<uuid:pk>/hold/", views.legal_hold_place, name="legal-hold-place"),
    path("holds/<uuid:pk>/lift/", views.legal_hold_lift, name="legal-hold-lift"),
]
