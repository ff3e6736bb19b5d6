from django.urls import path

from subject_access import views

app_name = "subject_access"

urlpatterns = [
    path("", views.index, name="index"),
    path("persons/<uuid:pk>/", views.person_requests, name="person-requests"),
    path("requests/<uuid:pk>/", views.request_detail, name="request-detail"),
    path("requests/<uuid:pk>/withhold/", views.item_withhold, name="item-withhold"),
    path("requests/<uuid:pk>/print/", views.request_print, name="request-print"),
    path("requests/<uuid:pk>/export.json", views.request_json, name="request-json"),
    path("requests/<uuid:pk>/deliver/", views.request_deliver, name="request-deliver"),
]
