"""E-mail: one helper renders and sends every message of every app.

Mail leaves the municipality's systems, so what goes in it is kept to what a
user needs: pseudonymous references, times and links, never anything about
the people the files are about, never a secret.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def email_send(*, to, template, context, attachments=()):
    """Render ``templates/email/<template>_subject.txt``, ``.txt`` and ``.html`` and send them.

    Rendered in ``settings.LANGUAGE_CODE`` (Swedish): the recipients are the
    municipality's staff and a command has no request to choose a language
    from. ``to`` is one address or a list; ``attachments`` are (file name,
    content, MIME type). Side effects: one e-mail; call it
    after the transaction that caused it has committed.
    """
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"email/{template}_subject.txt", context)
        text = render_to_string(f"email/{template}.txt", context)
        html = render_to_string(f"email/{template}.html", context)
    message = EmailMultiAlternatives(
        # A header is one line; a template's stray newline would make it invalid.
        subject=" ".join(subject.split()),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to] if isinstance(to, str) else list(to),
    )
    message.attach_alternative(html, "text/html")
    for name, content, mimetype in attachments:
        message.attach(name, content, mimetype)
    message.send()
