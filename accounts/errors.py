"""Error pages that never echo the request: no path, no query, no typed data."""

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader


def _render(request, status, template):
    return render(request, template, status=status)


def bad_request(request, exception=None):
    return _render(request, 400, "400.html")


def permission_denied(request, exception=None):
    return _render(request, 403, "403.html")


def not_found(request, exception=None):
    return _render(request, 404, "404.html")


def server_error(request):
    # No context processors that touch the database: it may be what failed.
    return HttpResponseServerError(loader.get_template("500.html").render())
