"""The one error a casework service raises when it refuses (HackSoft's style).

A service says why in words for the user (``message``), which refusal it is
for code that must tell them apart (``code``), and, where one field is at
fault, which (``field``); ``extra`` carries what the page needs to help
(the open report to link, the history row of whoever saved first). The view
layer turns it into a form error, or a 409 for a conflict, in one place
(casework/web.py). Services of SSPF and avhopp raise the same.
"""


class ApplicationError(Exception):
    # A refusal because someone else changed the object meanwhile: 409, not 400.
    conflict = False

    def __init__(self, message, *, code="", field=None, **extra):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field
        self.extra = extra


class ChangedMeanwhile(ApplicationError):
    """Someone saved the object after the user opened it; nothing was written."""

    conflict = True
