from django.http import HttpResponse


def my_reviews(request, **kw): return HttpResponse("")  # noqa
delegation = opinion_form = opinion_item_row = resubmit_form = staffing_row = my_reviews
