from django.http import HttpResponse


def inbox(request, **kw): return HttpResponse("")  # noqa
notification_open = read_all = inbox
