from django.urls import path

from casework import views

app_name = "casework"

urlpatterns = [
    path("persons/", views.person_search, name="person-search"),
    path("persons/new/", views.person_create, name="person-create"),
    path("persons/<uuid:pk>/", views.person_detail, name="person-detail"),
    path("persons/<uuid:pk>/open/", views.person_open, name="person-open"),
    path("persons/<uuid:pk>/edit/", views.person_edit, name="person-edit"),
]
