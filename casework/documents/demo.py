"""Demo documents: a police notification on each of the demo worker's first
reports, so that the timeline and the document pages have something to show."""

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from casework.documents.models import Document, DocumentType
from casework.documents.services import document_add
from casework.reports.models import Under15Report

DEMO_DOCUMENT_TITLE = "Underrättelse från polisen"
DEMO_DOCUMENT_TEXT = (
    "Polisen Region Väst underrättar socialtjänsten enligt 14 kap. 1 § SoL.\n"
    "Händelsen gäller ett barn under 15 år. Se polisens diarienummer i anmälan.\n"
)
DEMO_DOCUMENTS = 3


def demo_documents_seed(stdout=None):
    worker = get_user_model().objects.get(username="socialsekreterare")
    made = 0
    reports = Under15Report.objects.filter(assigned_to=worker, erased_at__isnull=True)
    for report in reports.select_related("person__data_key").order_by("received_at")[
        :DEMO_DOCUMENTS
    ]:
        if Document.objects.filter(owner_id=report.pk).exists():
            continue
        document_add(
            owner=report,
            person=report.person,
            data_key=report.person.data_key,
            by=worker,
            upload=SimpleUploadedFile("underrattelse.txt", DEMO_DOCUMENT_TEXT.encode()),
            title=DEMO_DOCUMENT_TITLE,
            document_type=DocumentType.POLICE_NOTIFICATION,
            document_date=timezone.localdate(report.received_at),
            types=(DocumentType.POLICE_NOTIFICATION,),
        )
        made += 1
    if stdout is not None:
        stdout.write(f"Demo documents: {made} created.")
