"""Locust users for bench/load.py: a social worker and a unit manager, signed in
through the real sign-in and second-factor pages, each page alternating with its
bare comparison view (bench/urls.py). Configured by bench/load.py through the
environment; not meant to be run by hand."""

import json
import os
import random
import re

from locust import constant, task
from locust.contrib.fasthttp import FastHttpUser

PLAN = json.loads(os.environ["BENCH_PLAN"])
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class SignedIn(FastHttpUser):
    """geventhttpclient, not requests: the load generator shares the 2 cores."""

    abstract = True
    wait_time = constant(0)
    insecure = True  # the bench's own self-signed certificate
    default_headers = {"Referer": "https://127.0.0.1:8443/"}
    role = ""

    def on_start(self):
        account = PLAN["accounts"][self.role].pop()
        login = self.client.get("/login/", name="sign-in page")
        self.client.post(
            "/login/",
            {
                "csrfmiddlewaretoken": self._csrf(login),
                "username": account["username"],
                "password": account["password"],
                "next": "/",
            },
            name="sign-in: password",
        )
        verify = self.client.get("/2fa/", name="sign-in: second factor page")
        done = self.client.post(
            "/2fa/",
            {
                "csrfmiddlewaretoken": self._csrf(verify),
                "token": account["backup_code"],
                "next": "/",
            },
            name="sign-in: backup code",
        )
        if "csrfmiddlewaretoken" not in done.text or "/2fa/" in (done.url or ""):
            raise RuntimeError(f"sign-in did not reach the start page ({done.status_code})")
        self.csrf = self._csrf(done)

    @staticmethod
    def _csrf(response):
        match = CSRF.search(response.text)
        if match is None:
            raise RuntimeError(f"no CSRF token on {response.url} ({response.status_code})")
        return match.group(1)


class Worker(SignedIn):
    role = "worker"
    fixed_count = 3

    @task
    def start_page(self):
        self.client.get("/", name="worker start page")
        self.client.get("/bench/bare/worker/", name="bare: worker list")

    @task
    def report_page(self):
        report = random.choice(PLAN["reports"])
        self.client.get(f"/reports/{report}/", name="report page")
        self.client.get(f"/bench/bare/reports/{report}/", name="bare: report")

    @task
    def search_by_number(self):
        number = random.choice(PLAN["numbers"])
        self.client.post(
            "/persons/", {"csrfmiddlewaretoken": self.csrf, "q": number}, name="person search"
        )
        self.client.post(
            "/bench/bare/search/",
            {"csrfmiddlewaretoken": self.csrf, "q": number},
            name="bare: search",
        )

    @task
    def log_contact(self):
        report = random.choice(PLAN["reports"])
        self.client.post(
            f"/reports/{report}/contacts/new/",
            {
                "csrfmiddlewaretoken": self.csrf,
                "occurred_at": PLAN["contact_time"],
                "kind": "phone",
                "participants": "Mamma",
                "note": "",
            },
            name="log-contact POST",
        )
        self.client.post(
            f"/bench/bare/reports/{report}/contact/",
            {"csrfmiddlewaretoken": self.csrf, "case_type": PLAN["case_type"]},
            name="bare: contact POST",
        )


class Manager(SignedIn):
    role = "manager"
    fixed_count = 1

    @task
    def unit_list(self):
        self.client.get("/reports/unit/", name="unit list")
        self.client.get("/bench/bare/unit/", name="bare: unit list")
