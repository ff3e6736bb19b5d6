"""The area work's start-page panel (accounts renders it; it does not import areas)."""

from areas import selectors

START_PAGE_SHOWN = 10


def area_panel(request):
    """The city districts I take part in and the open measures I am responsible for."""
    user = request.user
    if not user.has_perm("areas.view_area_work"):
        return None
    districts = list(selectors.city_districts_for_user(user=user))
    if not districts:
        return None
    measures = list(selectors.measures_for_user(user=user)[: START_PAGE_SHOWN + 1])
    return {
        "template": "areas/_start_panel.html",
        "city_districts": districts,
        "my_measures": measures[:START_PAGE_SHOWN],
        "more_measures": len(measures) > START_PAGE_SHOWN,
    }
