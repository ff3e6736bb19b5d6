from django.urls import path

from areas import views

app_name = "areas"

urlpatterns = [
    path("", views.home, name="home"),
    path("districts/<int:pk>/", views.district_detail, name="district-detail"),
    path("districts/<int:pk>/pictures/new/", views.picture_create, name="picture-create"),
    path(
        "districts/<int:pk>/mobilisations/new/",
        views.mobilisation_create,
        name="mobilisation-create",
    ),
    path("districts/<int:pk>/promises/new/", views.promise_create, name="promise-create"),
    path("pictures/<uuid:pk>/", views.picture_detail, name="picture-detail"),
    path(
        "pictures/<uuid:pk>/contributions/new/",
        views.contribution_create,
        name="contribution-create",
    ),
    path("pictures/<uuid:pk>/problems/new/", views.problem_create, name="problem-create"),
    path("pictures/<uuid:pk>/plan/new/", views.plan_create, name="plan-create"),
    path("plans/<uuid:pk>/", views.plan_detail, name="plan-detail"),
    path("plans/<uuid:pk>/print/", views.plan_print, name="plan-print"),
    path("plans/<uuid:pk>/edit/", views.plan_edit, name="plan-edit"),
    path("plans/<uuid:pk>/rows/new/", views.row_create, name="row-create"),
    path("plans/<uuid:pk>/measures/new/", views.measure_create, name="measure-create"),
    path("rows/<uuid:pk>/edit/", views.row_edit, name="row-edit"),
    path("rows/<uuid:pk>/follow-up/", views.row_follow_up, name="row-follow-up"),
    path("measures/<uuid:pk>/report/", views.measure_report, name="measure-report"),
    path("mobilisations/<uuid:pk>/", views.mobilisation_detail, name="mobilisation-detail"),
]
