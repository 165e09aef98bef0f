from django.http import HttpRequest, HttpResponse


def results(request: HttpRequest) -> HttpResponse:  # replaced by the search app
    return HttpResponse("")
