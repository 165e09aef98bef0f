"""The proposal form: fields generated from the template's sections, budget lines in place.

The form only parses what the user typed; the rules live in the services, whose
`ValidationFailed` errors are put back beside the fields they name.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from campaigndesk.activities.models import Activity, BudgetCategory, ProposalTemplate
from campaigndesk.core.errors import ValidationFailed


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    start_date = forms.DateField(label=_("Start date"), widget=DateInput())
    end_date = forms.DateField(label=_("End date"), widget=DateInput())
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)
    target_attendance = forms.IntegerField(
        label=_("Target attendance"), min_value=0, required=False
    )
    target_leads = forms.IntegerField(label=_("Target leads"), min_value=0, required=False)
    target_sales = forms.DecimalField(
        label=_("Target sales (¥)"), min_value=0, max_digits=14, decimal_places=2, required=False
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, template: ProposalTemplate, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.template = template
        self.section_fields: list[tuple[Any, forms.BoundField]] = []
        for section in template.sections.all():
            name = f"section_{section.key}"
            self.fields[name] = forms.CharField(
                label=section.label,
                help_text=section.help,
                required=False,
                max_length=20_000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.section_fields.append((section, self[name]))
        self.budget_rows = self._budget_rows()

    # --- budget lines: parallel lists budget_category / budget_item / budget_amount ---------

    def _budget_rows(self) -> list[dict[str, Any]]:
        if self.is_bound:
            data: QueryDict = self.data  # type: ignore[assignment]
            categories = data.getlist("budget_category")
            items = data.getlist("budget_item")
            amounts = data.getlist("budget_amount")
            rows = [
                {"category": c, "item": i.strip(), "amount": a.strip(), "errors": {}}
                for c, i, a in zip(categories, items, amounts, strict=False)
            ]
            # A row left completely empty is not a line.
            return [r for r in rows if r["item"] or r["amount"]]
        return [dict(row, errors={}) for row in self.initial.get("budget", [])]

    @staticmethod
    def category_choices() -> list[tuple[str, str]]:
        return [(value, str(label)) for value, label in BudgetCategory.choices]

    # --- to and from the services -----------------------------------------------------------

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "start_date": data["start_date"],
            "end_date": data["end_date"],
            "venue": data.get("venue", ""),
            "sections": {
                section.key: data.get(f"section_{section.key}", "")
                for section in self.template.sections.all()
            },
            "budget": [
                {"category": r["category"], "item": r["item"], "amount": r["amount"]}
                for r in self.budget_rows
            ],
            "targets": {
                "attendance": data.get("target_attendance"),
                "leads": data.get("target_leads"),
                "sales": data.get("target_sales"),
            },
        }

    def add_service_errors(self, error: ValidationFailed) -> None:
        """Puts each refused field's reason beside it (budget errors beside their row)."""
        for name, reason in error.fields.items():
            parts = name.split(".")
            if parts[0] == "budget" and len(parts) == 3 and parts[1].isdigit():
                index = int(parts[1])
                if index < len(self.budget_rows):
                    self.budget_rows[index]["errors"][parts[2]] = reason
                    continue
            if parts[0] == "sections" and len(parts) == 2 and f"section_{parts[1]}" in self.fields:
                self.add_error(f"section_{parts[1]}", reason)
            elif parts[0] == "targets" and len(parts) == 2:
                self.add_error(f"target_{parts[1]}", reason)
            elif name in self.fields:
                self.add_error(name, reason)
            else:
                self.add_error(None, f"{name}: {reason}")

    @property
    def has_budget_errors(self) -> bool:
        return any(row["errors"] for row in self.budget_rows)


def proposal_initial(activity: Activity) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "title": activity.title,
        "start_date": activity.start_date,
        "end_date": activity.end_date,
        "venue": activity.venue,
        "target_attendance": activity.target_attendance,
        "target_leads": activity.target_leads,
        "target_sales": activity.target_sales,
        "revision": activity.revision,
        "budget": [
            {"category": line.category, "item": line.item, "amount": str(line.amount)}
            for line in activity.budget_lines.all()
        ],
    }
    for key, text in activity.sections.items():
        initial[f"section_{key}"] = text
    return initial


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )
