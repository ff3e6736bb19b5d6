"""The SSPF member's start-page panel (accounts renders it; it does not import sspf)."""

from django.utils import timezone

from accounts.roles import Role
from sspf import selectors, services

START_PAGE_SHOWN = 10


def member_panel(request):
    """My groups, the next meeting, the actions I am responsible for (overdue
    first), the groups' newest open referrals and those I raised, named only
    where a consent covers my organisation (each naming logged)."""
    if not request.user.has_role(Role.SSPF_MEMBER):
        return None
    user = request.user
    open_rows = list(selectors.referrals_open_for_user(user=user)[: START_PAGE_SHOWN + 1])
    mine = list(selectors.referrals_raised_by(user=user)[:START_PAGE_SHOWN])
    actions = list(selectors.open_actions(member=user)[:START_PAGE_SHOWN])
    open_shown = selectors.referrals_shown(referrals=open_rows[:START_PAGE_SHOWN], user=user)
    mine_shown = selectors.referrals_shown(referrals=mine, user=user)
    action_shown = selectors.referrals_shown(
        referrals=[action.referral for action in actions], user=user
    )
    services.referrals_record_view(
        shown=[*open_shown, *mine_shown, *action_shown], by=user, request=request
    )
    today = timezone.localdate()
    return {
        "template": "sspf/_start_member.html",
        "memberships": list(selectors.memberships_for_user(user=user)),
        "open_shown": open_shown,
        "more_open": len(open_rows) > START_PAGE_SHOWN,
        "mine_shown": mine_shown,
        # Overdue first: open_actions orders by due date.
        "actions": [
            (action, shown, action.due_on < today)
            for action, shown in zip(actions, action_shown, strict=True)
        ],
        "next_meeting": selectors.next_meeting_for_user(user=user),
    }
