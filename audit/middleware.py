import uuid


class RequestIdMiddleware:
    """Give each request an id, so the access events one request wrote can be found together."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = uuid.uuid4()
        return self.get_response(request)
