from django.http import HttpRequest, HttpResponse


def overview(request: HttpRequest) -> HttpResponse:  # replaced by the dashboard
    return HttpResponse("")
