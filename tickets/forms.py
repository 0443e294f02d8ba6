"""Forms of the ticket pages."""

from django import forms

from .choices import TicketStatus
from .models import Ticket

NOTE_WIDGET = forms.Textarea(attrs={"rows": 3, "placeholder": "Optional: what you are doing"})


class AcknowledgeForm(forms.Form):
    """Take a ticket: it becomes acknowledged, with an optional note in its history."""

    note = forms.CharField(required=False, max_length=2000, widget=NOTE_WIDGET)


class AcknowledgeTicketsForm(forms.Form):
    """Take several open tickets of one site at once (the Tickets tab's checkboxes)."""

    tickets = forms.ModelMultipleChoiceField(
        queryset=Ticket.objects.none(),
        error_messages={
            "required": "Check the tickets to acknowledge first.",
            "invalid_choice": "Some of those tickets are no longer open; reload the page.",
            "invalid_pk_value": "Some of those tickets are no longer open; reload the page.",
        },
    )
    note = forms.CharField(required=False, max_length=2000)

    def __init__(self, site, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tickets"].queryset = Ticket.objects.filter(site=site, status=TicketStatus.OPEN)
