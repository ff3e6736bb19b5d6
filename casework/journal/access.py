"""Who may read a case's contacts and journal notes (the rules: casework/policy.py)."""


def may_see_case_records(user):
    """Contacts and journal notes of a case the user works."""
    return user.has_perms(["casework.view_contact", "casework.view_journalentry"])
