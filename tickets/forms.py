"""Forms of the ticket pages."""

from django import forms


class AcknowledgeForm(forms.Form):
    """Take a ticket: it becomes acknowledged, with an optional note in its history."""

    note = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Optional: what you are doing"}),
    )
