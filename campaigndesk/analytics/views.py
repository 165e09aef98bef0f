from django.http import HttpRequest, HttpResponse


def index(request: HttpRequest) -> HttpResponse:  # replaced by the analytics app
    return HttpResponse("")
