from django.http import HttpResponse


def activity_list(request): return HttpResponse("")
activity_create = budget_line_row = activity_detail = activity_edit = activity_cancel = activity_list
